import type { FastifyCorsOptions, FastifyCorsOptionsDelegateCallback } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';

const ADMIN_PREFIX = '/api/admin/';

/** Headers browsers may read on SDK answers: revalidation, Flagsmith's freshness, backoff. */
const EXPOSED_HEADERS = ['ETag', 'X-Flagsmith-Document-Updated-At', 'Retry-After'];

/**
 * CORS per route family. SDK routes answer every origin: browsers call them from customers'
 * pages with a public client key. The admin API answers only the configured origins (none by
 * default), because it will carry the signed-in person's cookies: any other page's script
 * must not be able to read its answers. Preflights are decided the same way, so a refused
 * origin learns nothing from them either.
 *
 * @example
 * await app.register(cors, { delegator: corsDelegator(['https://console.example.com']) });
 */
export function corsDelegator(adminOrigins: readonly string[]): FastifyCorsOptionsDelegateCallback {
  const sdk: FastifyCorsOptions = { origin: true, exposedHeaders: EXPOSED_HEADERS, maxAge: 86400 };
  const allowed = new Set(adminOrigins);
  const admin: FastifyCorsOptions = {
    // False turns CORS off for the request, preflight included (it then answers 404), where an
    // origin list would still answer a refused preflight with the allowed methods.
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 86400,
  };
  return (request, callback) => callback(null, isAdminRequest(request) ? admin : sdk);
}

/**
 * Decided by the matched route where there is one, else by the decoded path: a preflight
 * matches the catch-all OPTIONS route, and `%61dmin` must not slip past a prefix test.
 */
function isAdminRequest(request: FastifyRequest): boolean {
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
