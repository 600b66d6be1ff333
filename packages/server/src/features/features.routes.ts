import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { withExample } from '../http/openapi.js';
import { featureExample, pageExample } from '../http/openapi-examples.js';
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
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the features of a project',
          description: 'Features are project-wide; their per-environment state is under feature-states.',
          params: ProjectParams,
          querystring: FeaturesQuery,
          response: { 200: withExample(Page(Feature), pageExample(featureExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/features',
      {
        config: access('project.edit', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Create a feature',
          description:
            'Creates the flag in the project and a state for it in every environment, from ' +
            '`default_enabled` and `default_value`. The key is what SDKs ask for and cannot change.',
          params: ProjectParams,
          body: withExample(CreateFeature, {
            key: 'checkout-v2',
            type: 'string',
            description: 'Which checkout flow a shopper sees.',
            tags: ['checkout', 'web'],
            default_enabled: false,
            default_value: 'classic',
          }),
          response: { 201: withExample(Feature, featureExample), ...adminErrors },
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
      {
        config: access('project.read', { feature: 'id' }),
        schema: {
          tags,
          summary: 'Get a feature',
          params: RefParams,
          response: { 200: withExample(Feature, featureExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/features/:id',
      {
        config: access('project.edit', { feature: 'id' }),
        schema: {
          tags,
          summary: 'Update a feature',
          description:
            'Changes the description, tags, server-only flag or defaults; absent fields stay. ' +
            '`key` and `type` are accepted only unchanged. Enabling it in an environment is a ' +
            'feature-state change instead.',
          params: RefParams,
          body: withExample(UpdateFeature, {
            description: 'One-page checkout, rolling out.',
            tags: ['checkout'],
          }),
          response: {
            200: withExample(Feature, {
              ...featureExample,
              description: 'One-page checkout, rolling out.',
              tags: ['checkout'],
            }),
            ...adminErrors,
          },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/features/:id',
      {
        config: access('project.edit', { feature: 'id' }),
        schema: {
          tags,
          summary: 'Delete a feature',
          description: 'Removes the flag with its state, overrides and variants in every environment.',
          params: RefParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
