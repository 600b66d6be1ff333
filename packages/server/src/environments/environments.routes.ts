import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { EnvironmentsRepository } from './environments.repository.js';
import { CreateEnvironment, Environment, ProjectParams, UpdateEnvironment } from './environments.schema.js';
import { EnvironmentsService } from './environments.service.js';
import { serverKeysRoutes } from './server-keys.routes.js';

/** Admin API: `/projects/:projectId/environments`, `/environments/:id` and its keys. */
export function environmentsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new EnvironmentsService(new EnvironmentsRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['environments'];
    app.get(
      '/projects/:projectId/environments',
      {
        schema: {
          tags,
          params: ProjectParams,
          querystring: PageQuery,
          response: { 200: Page(Environment), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/environments',
      {
        schema: {
          tags,
          params: ProjectParams,
          body: CreateEnvironment,
          response: { 201: Environment, ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await service.create(principal(request).organisationId, request.params.projectId, request.body),
          ),
    );
    app.get(
      '/environments/:id',
      { schema: { tags, params: RefParams, response: { 200: Environment, ...adminErrors } } },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/environments/:id',
      {
        schema: {
          tags,
          params: RefParams,
          body: UpdateEnvironment,
          response: { 200: Environment, ...adminErrors },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/environments/:id',
      { schema: { tags, params: RefParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/environments/:id/client-key/rotate',
      { schema: { tags, params: RefParams, response: { 200: Environment, ...adminErrors } } },
      (request) => service.rotateClientKey(principal(request).organisationId, request.params.id),
    );
    await app.register(serverKeysRoutes(ctx));
  };
}
