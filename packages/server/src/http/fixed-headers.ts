import type { FastifyInstance } from 'fastify';

const recorded = new WeakMap<FastifyInstance, Record<string, string>>();

/**
 * Headers every answer of `app` carries, whatever the request (security headers, the worker's
 * id): set by one `onRequest` hook, and recorded so that the SDK fast lane
 * (evaluation/sdk-fast-lane.ts), which answers without Fastify, writes exactly the same.
 * Names are lower case, as Fastify writes them.
 *
 * @example
 * addFixedHeaders(app, { 'x-pennon-worker': '2' });
 */
export function addFixedHeaders(app: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  const lower = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  recorded.set(app, { ...recorded.get(app), ...lower });
  // A callback hook: it runs on every request and has nothing to wait for.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(lower);
    done();
  });
}

/** What `addFixedHeaders` put on every answer of `app` so far. */
export function fixedHeaders(app: FastifyInstance): Readonly<Record<string, string>> {
  return recorded.get(app) ?? {};
}
