import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { addFixedHeaders } from './fixed-headers.js';

/**
 * Helmet's security headers on every response, streams included (they are set on the raw
 * response before any route runs). The CSP is Helmet's default, which `/api/docs` (swagger-ui:
 * scripts, styles and the OpenAPI document all served from here, inline styles set by React)
 * works under, except `upgrade-insecure-requests`: Pennon is often reached over plain http on
 * a LAN address, where upgraded requests for the docs' scripts would fail.
 * Cross-Origin-Resource-Policy: same-origin does not touch browsers' CORS calls to SDK routes:
 * browsers check it only on no-cors requests.
 */
const OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: { upgradeInsecureRequests: null },
  },
};

/** Headers of the probe's answer that are not Helmet's. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

/**
 * The headers are the same for every request (no per-route options, no CSP nonces), so they
 * are computed once, by Helmet itself on a private probe, and then only copied: @fastify/helmet
 * would rebuild Helmet's middleware and re-parse the CSP directives on every request.
 *
 * They are the reply's headers, not the raw response's: Node then checks and writes every
 * header once, at `writeHead`, where `setHeader` on the raw response would check each twice
 * and keep a second table. Hijacked replies (streams) copy `reply.getHeaders()`.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  addFixedHeaders(app, Object.fromEntries(await helmetHeaders()));
}

async function helmetHeaders(): Promise<Array<[string, string]>> {
  const probe = Fastify();
  try {
    await probe.register(helmet, OPTIONS);
    probe.get('/', (_request, reply) => reply.send(''));
    const response = await probe.inject({ method: 'GET', url: '/' });
    return Object.entries(response.headers)
      .filter(([name]) => !NOT_HELMET.has(name))
      .map(([name, value]) => [name, String(value)]);
  } finally {
    await probe.close();
  }
}
