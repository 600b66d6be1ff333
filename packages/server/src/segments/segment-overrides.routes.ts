import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { EnvironmentParams } from '../features/feature-states.schema.js';
import { withExample, withExamples } from '../http/openapi.js';
import { exampleIds, pageExample, segmentOverrideExample } from '../http/openapi-examples.js';
import { adminErrors, ForceQuery, Page } from '../http/schemas.js';
import { SegmentOverridesRepository } from './segment-overrides.repository.js';
import {
  CreateSegmentOverride,
  SegmentOverride,
  SegmentOverrideParams,
  SegmentOverridesQuery,
  UpdateSegmentOverride,
} from './segment-overrides.schema.js';
import { SegmentOverridesService } from './segment-overrides.service.js';

/** Admin API: `/environments/:environmentId/segment-overrides[/:id]`. */
export function segmentOverridesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new SegmentOverridesService(new SegmentOverridesRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['segment overrides'];
    const collection = '/environments/:environmentId/segment-overrides';
    const item = `${collection}/:id`;
    app.get(
      collection,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the segment overrides of an environment',
          description:
            'In creation order; `feature_id` narrows the list to one feature. Evaluation goes by `priority`.',
          params: EnvironmentParams,
          querystring: SegmentOverridesQuery,
          response: {
            200: withExample(Page(SegmentOverride), pageExample(segmentOverrideExample)),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.post(
      collection,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Target a segment: override a feature for its members in one environment',
          description:
            "Members of the segment get this state instead of the feature's own. When an identity " +
            'is in several segments overriding the same feature, the lowest `priority` wins; ' +
            "without one, the override goes after this feature's existing ones.",
          params: EnvironmentParams,
          body: withExamples(CreateSegmentOverride, {
            override: {
              summary: 'Give the segment another value',
              value: {
                segment_id: exampleIds.segment,
                feature_id: exampleIds.feature,
                enabled: true,
                value: 'one-page',
              },
            },
            rollout: {
              summary: "Give it to half of the segment's identities",
              value: {
                segment_id: exampleIds.segment,
                feature_id: exampleIds.feature,
                enabled: true,
                rollout_percentage: 50,
              },
            },
          }),
          response: { 201: withExample(SegmentOverride, segmentOverrideExample), ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await service.create(
              principal(request).organisationId,
              request.params.environmentId,
              request.body,
            ),
          ),
    );
    app.get(
      item,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Get a segment override',
          params: SegmentOverrideParams,
          response: { 200: withExample(SegmentOverride, segmentOverrideExample), ...adminErrors },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.patch(
      item,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Change a segment override',
          description:
            'Its state, variants or priority; absent fields stay. The segment and feature are fixed: ' +
            'delete and create to move an override.',
          params: SegmentOverrideParams,
          querystring: ForceQuery,
          body: withExample(UpdateSegmentOverride, { value: 'express', priority: 1 }),
          response: {
            200: withExample(SegmentOverride, { ...segmentOverrideExample, value: 'express', priority: 1 }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
          request.body,
          request.query,
        ),
    );
    app.delete(
      item,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Delete a segment override',
          description: "Members of the segment get the feature's own state again (or the next override).",
          params: SegmentOverrideParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
