import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { adminErrors, Page, RefParams } from '../http/schemas.js';
import { FeaturesRepository } from './features.repository.js';
import { CreateFeature, Feature, FeaturesQuery, UpdateFeature } from './features.schema.js';
import { FeaturesService } from './features.service.js';

/** Admin API: `/projects/:projectId/features` and `/features/:id`. */
export function featuresRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new FeaturesService(new FeaturesRepository(ctx.db, ctx.database.dialect), ctx.changes);
  return async (app) => {
    const tags = ['features'];
    app.get(
      '/projects/:projectId/features',
      {
        schema: {
          tags,
          params: ProjectParams,
          querystring: FeaturesQuery,
          response: { 200: Page(Feature), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/features',
      {
        schema: {
          tags,
          params: ProjectParams,
          body: CreateFeature,
          response: { 201: Feature, ...adminErrors },
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
      '/features/:id',
      { schema: { tags, params: RefParams, response: { 200: Feature, ...adminErrors } } },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/features/:id',
      {
        schema: { tags, params: RefParams, body: UpdateFeature, response: { 200: Feature, ...adminErrors } },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/features/:id',
      { schema: { tags, params: RefParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
