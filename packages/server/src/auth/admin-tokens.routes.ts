import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { adminErrors, IdParams, Page, PageQuery } from '../http/schemas.js';
import { principal } from './admin-auth.js';
import { AdminTokensRepository } from './admin-tokens.repository.js';
import { AdminToken, CreateAdminToken, CreatedAdminToken } from './admin-tokens.schema.js';
import { AdminTokensService } from './admin-tokens.service.js';

/** Admin API: `/admin-tokens` of the calling token's organisation. */
export function adminTokensRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new AdminTokensService(new AdminTokensRepository(ctx.db));
  return async (app) => {
    const tags = ['admin tokens'];
    app.get(
      '/admin-tokens',
      { schema: { tags, querystring: PageQuery, response: { 200: Page(AdminToken), ...adminErrors } } },
      (request) => service.list(principal(request).organisationId, request.query),
    );
    app.post(
      '/admin-tokens',
      { schema: { tags, body: CreateAdminToken, response: { 201: CreatedAdminToken, ...adminErrors } } },
      async (request, reply) =>
        reply.status(201).send(await service.create(principal(request).organisationId, request.body)),
    );
    app.delete(
      '/admin-tokens/:id',
      { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
