import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { EnvironmentParams } from '../features/feature-states.schema.js';
import { adminErrors, Page } from '../http/schemas.js';
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
        schema: {
          tags,
          params: EnvironmentParams,
          querystring: SegmentOverridesQuery,
          response: { 200: Page(SegmentOverride), ...adminErrors },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.post(
      collection,
      {
        schema: {
          tags,
          params: EnvironmentParams,
          body: CreateSegmentOverride,
          response: { 201: SegmentOverride, ...adminErrors },
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
      { schema: { tags, params: SegmentOverrideParams, response: { 200: SegmentOverride, ...adminErrors } } },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.patch(
      item,
      {
        schema: {
          tags,
          params: SegmentOverrideParams,
          body: UpdateSegmentOverride,
          response: { 200: SegmentOverride, ...adminErrors },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
          request.body,
        ),
    );
    app.delete(
      item,
      { schema: { tags, params: SegmentOverrideParams, response: { 204: Type.Null(), ...adminErrors } } },
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
