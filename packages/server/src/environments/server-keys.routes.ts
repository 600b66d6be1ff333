import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { ServerKeysRepository } from './server-keys.repository.js';
import { CreateServerKey, ServerKey, ServerKeyParams } from './server-keys.schema.js';
import { ServerKeysService } from './server-keys.service.js';

/** Admin API: `/environments/:id/server-keys`; registered by `environmentsRoutes`. */
export function serverKeysRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new ServerKeysService(new ServerKeysRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['environments'];
    app.get(
      '/environments/:id/server-keys',
      {
        schema: {
          tags,
          params: RefParams,
          querystring: PageQuery,
          response: { 200: Page(ServerKey), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.id, request.query),
    );
    app.post(
      '/environments/:id/server-keys',
      {
        schema: {
          tags,
          params: RefParams,
          body: CreateServerKey,
          response: { 201: ServerKey, ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.create(principal(request).organisationId, request.params.id, request.body)),
    );
    app.delete(
      '/environments/:id/server-keys/:keyId',
      { schema: { tags, params: ServerKeyParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id, request.params.keyId);
        return reply.status(204).send(null);
      },
    );
  };
}
