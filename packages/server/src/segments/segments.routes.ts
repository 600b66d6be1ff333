import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { withExample } from '../http/openapi.js';
import { pageExample, segmentExample, segmentRulesExample } from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { SegmentsRepository } from './segments.repository.js';
import { CreateSegment, Segment, UpdateSegment } from './segments.schema.js';
import { SegmentsService } from './segments.service.js';

/** The example of a rules update: the country condition gone. */
const proPlanRules = [
  {
    type: 'ALL' as const,
    conditions: [{ property: 'plan', operator: 'EQUAL' as const, value: 'pro' }],
    rules: [],
  },
];

/** Admin API: `/projects/:projectId/segments` and `/segments/:id`. */
export function segmentsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new SegmentsService(new SegmentsRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['segments'];
    app.get(
      '/projects/:projectId/segments',
      {
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the segments of a project',
          params: ProjectParams,
          querystring: PageQuery,
          response: { 200: withExample(Page(Segment), pageExample(segmentExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/segments',
      {
        config: access('project.edit', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Create a segment',
          description:
            'A named rule tree over traits, shared by every environment of the project. An identity ' +
            'is in the segment when every top-level rule matches; each rule combines its conditions ' +
            'and sub-rules with ALL, ANY or NONE. A segment without rules matches nobody. Give it ' +
            'an effect per environment with a segment override.',
          params: ProjectParams,
          body: withExample(CreateSegment, {
            name: 'pro-plan',
            description: 'Paying customers on the pro plan in our first markets.',
            rules: segmentRulesExample,
          }),
          response: { 201: withExample(Segment, segmentExample), ...adminErrors },
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
      {
        config: access('project.read', { segment: 'id' }),
        schema: {
          tags,
          summary: 'Get a segment with its rules',
          params: RefParams,
          response: { 200: withExample(Segment, segmentExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/segments/:id',
      {
        config: access('project.edit', { segment: 'id' }),
        schema: {
          tags,
          summary: 'Rename a segment or replace its rules',
          description: '`rules` replaces the whole tree; absent fields stay as they are.',
          params: RefParams,
          body: withExample(UpdateSegment, { description: 'Pro plan, every market.', rules: proPlanRules }),
          response: {
            200: withExample(Segment, {
              ...segmentExample,
              description: 'Pro plan, every market.',
              rules: proPlanRules,
            }),
            ...adminErrors,
          },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/segments/:id',
      {
        config: access('project.edit', { segment: 'id' }),
        schema: {
          tags,
          summary: 'Delete a segment',
          description: 'Its overrides go with it, in every environment.',
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
