import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { SegmentsRepository } from './segments.repository.js';
import { CreateSegment, Segment, UpdateSegment } from './segments.schema.js';
import { SegmentsService } from './segments.service.js';

/** Admin API: `/projects/:projectId/segments` and `/segments/:id`. */
export function segmentsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new SegmentsService(new SegmentsRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['segments'];
    app.get(
      '/projects/:projectId/segments',
      {
        schema: {
          tags,
          params: ProjectParams,
          querystring: PageQuery,
          response: { 200: Page(Segment), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/segments',
      {
        schema: {
          tags,
          params: ProjectParams,
          body: CreateSegment,
          response: { 201: Segment, ...adminErrors },
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
      '/segments/:id',
      { schema: { tags, params: RefParams, response: { 200: Segment, ...adminErrors } } },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/segments/:id',
      {
        schema: { tags, params: RefParams, body: UpdateSegment, response: { 200: Segment, ...adminErrors } },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/segments/:id',
      { schema: { tags, params: RefParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
