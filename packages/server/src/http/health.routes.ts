import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { isReady } from '../storage/database.js';
import { security, withExample } from './openapi.js';

const Status = Type.Object({ status: Type.String() });

/** `/health`: the process answers. `/ready`: the database answers and is fully migrated. */
export function healthRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          tags: ['operations'],
          summary: 'Liveness: the process answers',
          description:
            'For a liveness probe; it checks nothing else, so a database outage does not restart the process.',
          security: security.none,
          response: { 200: withExample(Status, { status: 'ok' }) },
        },
      },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/ready',
      {
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the database answers and is fully migrated',
          description: 'For a readiness probe or load balancer: 503 until this replica can serve requests.',
          security: security.none,
          response: {
            200: withExample(Status, { status: 'ready' }),
            503: withExample(Status, { status: 'database unavailable or not migrated' }),
          },
        },
      },
      async (_request, reply) =>
        (await isReady(ctx.database))
          ? { status: 'ready' }
          : reply.status(503).send({ status: 'database unavailable or not migrated' }),
    );
  };
}
