import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Helmet's security headers on every response, streams included (it writes them on the raw
 * response before any route runs). The CSP is Helmet's default, which `/api/docs` (swagger-ui:
 * scripts, styles and the OpenAPI document all served from here, inline styles set by React)
 * works under, except `upgrade-insecure-requests`: Pennon is often reached over plain http on
 * a LAN address, where upgraded requests for the docs' scripts would fail.
 * Cross-Origin-Resource-Policy: same-origin does not touch browsers' CORS calls to SDK routes:
 * browsers check it only on no-cors requests.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { upgradeInsecureRequests: null },
    },
  });
}
