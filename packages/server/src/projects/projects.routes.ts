import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { pageExample, projectExample } from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { ProjectsRepository } from './projects.repository.js';
import { CreateProject, Project, UpdateProject } from './projects.schema.js';
import { ProjectsService } from './projects.service.js';

/** Admin API: `/projects`. */
export function projectsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new ProjectsService(new ProjectsRepository(ctx.db));
  return async (app) => {
    const tags = ['projects'];
    app.get(
      '/projects',
      {
        config: access('projects.list'),
        schema: {
          tags,
          summary: 'List projects',
          description: 'A member sees only the projects they have a role in.',
          querystring: PageQuery,
          response: { 200: withExample(Page(Project), pageExample(projectExample)), ...adminErrors },
        },
      },
      (request) => {
        // Members see only their projects; owners and admins see all.
        const who = principal(request);
        const only = who.role === 'member' ? [...who.projects.keys()] : undefined;
        return service.list(who.organisationId, request.query, only);
      },
    );
    app.post(
      '/projects',
      {
        config: access('projects.create'),
        schema: {
          tags,
          summary: 'Create a project',
          description:
            'A project holds features and segments, shared by its environments. It starts with no ' +
            'environment: create `development`, `production`… next.',
          body: withExample(CreateProject, { name: 'Storefront' }),
          response: { 201: withExample(Project, projectExample), ...adminErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(principal(request).organisationId, request.body)),
    );
    app.get(
      '/projects/:id',
      {
        config: access('project.read', { project: 'id' }),
        schema: {
          tags,
          summary: 'Get a project',
          params: RefParams,
          response: { 200: withExample(Project, projectExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/projects/:id',
      {
        config: access('project.manage', { project: 'id' }),
        schema: {
          tags,
          summary: 'Rename a project',
          params: RefParams,
          body: withExample(UpdateProject, { name: 'Storefront (EU)' }),
          response: {
            200: withExample(Project, { ...projectExample, name: 'Storefront (EU)' }),
            ...adminErrors,
          },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/projects/:id',
      {
        config: access('project.manage', { project: 'id' }),
        schema: {
          tags,
          summary: 'Delete a project',
          description:
            'Deletes everything in it: environments and their keys, features, segments, identities ' +
            'and events. SDKs using its keys get 401 from then on.',
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
