import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { environmentExample, exampleKeys, pageExample } from '../http/openapi-examples.js';
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
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the environments of a project',
          params: ProjectParams,
          querystring: PageQuery,
          response: { 200: withExample(Page(Environment), pageExample(environmentExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/environments',
      {
        config: access('project.manage', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Create an environment',
          description:
            'Gives it a client key and a state for every feature of the project, from the ' +
            "features' defaults. The key (e.g. `production`) is fixed: identity keys are derived from it.",
          params: ProjectParams,
          body: withExample(CreateEnvironment, { key: 'production', name: 'Production' }),
          response: { 201: withExample(Environment, environmentExample), ...adminErrors },
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
      {
        config: access('environment.read', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Get an environment',
          description: 'Includes its client key, which is public by design.',
          params: RefParams,
          response: { 200: withExample(Environment, environmentExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/environments/:id',
      {
        config: access('environment.manage', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Rename an environment or change its settings',
          description:
            '`hide_disabled_flags`: SDKs are not sent the flags that are off in this environment. ' +
            '`requires_approval`: N protects it, so its flag changes go through change requests with N ' +
            'approvals (`POST /environments/{id}/change-requests`); null lifts the protection.',
          params: RefParams,
          body: withExample(UpdateEnvironment, { name: 'Production (EU)', hide_disabled_flags: true }),
          response: {
            200: withExample(Environment, {
              ...environmentExample,
              name: 'Production (EU)',
              hide_disabled_flags: true,
            }),
            ...adminErrors,
          },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/environments/:id',
      {
        config: access('environment.manage', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Delete an environment',
          description:
            'Deletes its feature states, overrides, identities, keys and events; its keys stop working at once.',
          params: RefParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/environments/:id/client-key/rotate',
      {
        config: access('environment.manage', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Rotate the client key',
          description:
            'Issues a new client key and revokes the old one at once, e.g. after a copy leaked. ' +
            'Web and mobile apps must ship the new key; server keys are not affected.',
          params: RefParams,
          response: {
            200: withExample(Environment, { ...environmentExample, client_key: exampleKeys.rotatedClient }),
            ...adminErrors,
          },
        },
      },
      (request) => service.rotateClientKey(principal(request).organisationId, request.params.id),
    );
    await app.register(serverKeysRoutes(ctx));
  };
}
