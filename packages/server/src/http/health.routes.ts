import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { isReady } from '../storage/database.js';

const Status = Type.Object({ status: Type.String() });

/** `/health`: the process answers. `/ready`: the database answers and is fully migrated. */
export function healthRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', { schema: { tags: ['operations'], response: { 200: Status } } }, () => ({
      status: 'ok',
    }));
    app.get(
      '/ready',
      { schema: { tags: ['operations'], response: { 200: Status, 503: Status } } },
      async (_request, reply) =>
        (await isReady(ctx.database))
          ? { status: 'ready' }
          : reply.status(503).send({ status: 'database unavailable or not migrated' }),
    );
  };
}
