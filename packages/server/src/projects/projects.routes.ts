import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
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
      { schema: { tags, querystring: PageQuery, response: { 200: Page(Project), ...adminErrors } } },
      (request) => service.list(principal(request).organisationId, request.query),
    );
    app.post(
      '/projects',
      { schema: { tags, body: CreateProject, response: { 201: Project, ...adminErrors } } },
      async (request, reply) =>
        reply.status(201).send(await service.create(principal(request).organisationId, request.body)),
    );
    app.get(
      '/projects/:id',
      { schema: { tags, params: RefParams, response: { 200: Project, ...adminErrors } } },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/projects/:id',
      {
        schema: { tags, params: RefParams, body: UpdateProject, response: { 200: Project, ...adminErrors } },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/projects/:id',
      { schema: { tags, params: RefParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
