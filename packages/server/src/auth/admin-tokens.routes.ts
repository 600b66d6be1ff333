import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { adminTokenExample, exampleKeys, pageExample } from '../http/openapi-examples.js';
import { adminErrors, IdParams, Page, PageQuery } from '../http/schemas.js';
import { access } from './access.js';
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
      {
        config: access('tokens.manage'),
        schema: {
          tags,
          summary: "List the organisation's admin tokens",
          description: 'Names and creation times only: a token is shown once, when it is created.',
          querystring: PageQuery,
          response: { 200: withExample(Page(AdminToken), pageExample(adminTokenExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.query),
    );
    app.post(
      '/admin-tokens',
      {
        config: access('tokens.manage'),
        schema: {
          tags,
          summary: 'Create an admin token',
          description:
            'The answer carries the token itself, the only time it is shown; the server keeps its ' +
            "digest. Its `role` (owner or admin) defaults to the creator's and may not be above it.",
          body: withExample(CreateAdminToken, { name: 'ci-deploy' }),
          response: {
            201: withExample(CreatedAdminToken, { ...adminTokenExample, token: exampleKeys.adminToken }),
            ...adminErrors,
          },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        return reply.status(201).send(await service.create(who.organisationId, request.body, who));
      },
    );
    app.delete(
      '/admin-tokens/:id',
      {
        config: access('tokens.manage'),
        schema: {
          tags,
          summary: 'Revoke an admin token',
          description:
            'Requests with the token fail from now on. The last token of an organisation cannot go (409); ' +
            "only an owner can revoke an owner's token.",
          params: IdParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        await service.delete(who.organisationId, request.params.id, who);
        return reply.status(204).send(null);
      },
    );
  };
}
