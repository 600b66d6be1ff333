import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const ADMIN_PREFIX = '/api/admin/';

/** Headers browsers may read on SDK answers: revalidation, Flagsmith's freshness, backoff. */
const EXPOSED_HEADERS = 'ETag, X-Flagsmith-Document-Updated-At, Retry-After';
const PREFLIGHT_METHODS = 'GET,HEAD,POST';
const PREFLIGHT_MAX_AGE = '86400';

/**
 * CORS per route family. SDK routes answer every origin: browsers call them from customers'
 * pages with a public client key. The admin API answers only the configured origins (none by
 * default), because it will carry the signed-in person's cookies: any other page's script
 * must not be able to read its answers. Preflights are decided the same way, so a refused
 * origin learns nothing from them either (its preflight finds no route: 404).
 *
 * The answers are @fastify/cors's (dynamic origin, strict preflight, methods GET,HEAD,POST,
 * requested headers reflected, max-age one day), written directly: it runs on every request,
 * and the plugin rebuilt its options object twice per request for a per-route-family choice.
 *
 * @example
 * registerCors(app, ['https://console.example.com']);
 */
export function registerCors(app: FastifyInstance, adminOrigins: readonly string[]): void {
  const allowed = new Set(adminOrigins);
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    // The answer depends on the origin on every route, so caches must key on it.
    addToVary(reply, VARY);
    if (isAdminRequest(request) && (origin === undefined || !allowed.has(origin))) {
      done();
      return;
    }
    reply.headers(corsAnswerHeaders(origin));
    if (request.raw.method !== 'OPTIONS') {
      done();
      return;
    }
    // A preflight is answered here, before any route's key or token check runs.
    if (!origin || !request.headers['access-control-request-method']) {
      reply.status(400).type('text/plain').send('Invalid Preflight Request');
      return;
    }
    reply.header('Access-Control-Allow-Methods', PREFLIGHT_METHODS);
    addToVary(reply, 'Access-Control-Request-Headers');
    const requested = request.headers['access-control-request-headers'];
    if (requested !== undefined) reply.header('Access-Control-Allow-Headers', requested);
    reply.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
    // Safari waits for a body on a 204 without Content-Length.
    reply.code(204).header('Content-Length', '0').send();
  });
  // Lets the router accept preflights on every path; answered preflights never get here, so
  // one that does was refused above: no route, as for any other unknown request.
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound();
  });
}

/** The request header every answer varies on (`Vary`). */
export const VARY = 'Origin';
const EXPOSED_ONLY = Object.freeze({ 'access-control-expose-headers': EXPOSED_HEADERS });

/**
 * The CORS headers of an answer CORS allows, preflights aside: every SDK answer, and admin
 * answers to a configured origin. SDK routes reflect any origin; admin routes reach here only
 * with a configured one. Shared with the SDK fast lane (evaluation/sdk-fast-lane.ts).
 */
export function corsAnswerHeaders(origin: string | undefined): Readonly<Record<string, string>> {
  if (!origin) return EXPOSED_ONLY;
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS };
}

function addToVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined || current === '') {
    reply.header('Vary', field);
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  const fields = text
    .toLowerCase()
    .split(',')
    .map((f) => f.trim());
  if (fields.includes('*') || fields.includes(field.toLowerCase())) return;
  reply.header('Vary', `${text}, ${field}`);
}

/**
 * Decided by the matched route where there is one, else by the decoded path: a preflight
 * matches the catch-all OPTIONS route, and `%61dmin` must not slip past a prefix test.
 */
function isAdminRequest(request: FastifyRequest): boolean {
  // Every SDK request comes here. A URL without `%` is its own decoded path, and no route
  // outside the prefix is an admin route: only the rest needs the route's options (built
  // afresh by Fastify on each read).
  const url = request.url;
  if (!url.startsWith(ADMIN_PREFIX) && !url.includes('%')) return false;
  const route = request.routeOptions.url;
  if (route !== undefined && route !== '*') return route.startsWith(ADMIN_PREFIX);
  const path = request.url.split('?')[0];
  try {
    return decodeURIComponent(path).startsWith(ADMIN_PREFIX);
  } catch {
    // Undecodable: refuse the permissive answer rather than guess.
    return true;
  }
}
