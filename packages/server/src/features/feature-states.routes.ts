import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { adminErrors, Page, PageQuery } from '../http/schemas.js';
import { FeatureStatesRepository } from './feature-states.repository.js';
import {
  EnvironmentParams,
  FeatureState,
  FeatureStateParams,
  UpdateFeatureState,
} from './feature-states.schema.js';
import { FeatureStatesService } from './feature-states.service.js';

/** Admin API: `/environments/:environmentId/feature-states[/:featureId]`. */
export function featureStatesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new FeatureStatesService(new FeatureStatesRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['feature states'];
    app.get(
      '/environments/:environmentId/feature-states',
      {
        schema: {
          tags,
          params: EnvironmentParams,
          querystring: PageQuery,
          response: { 200: Page(FeatureState), ...adminErrors },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.get(
      '/environments/:environmentId/feature-states/:featureId',
      { schema: { tags, params: FeatureStateParams, response: { 200: FeatureState, ...adminErrors } } },
      (request) =>
        service.get(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.featureId,
        ),
    );
    app.patch(
      '/environments/:environmentId/feature-states/:featureId',
      {
        schema: {
          tags,
          params: FeatureStateParams,
          body: UpdateFeatureState,
          response: { 200: FeatureState, ...adminErrors },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.featureId,
          request.body,
        ),
    );
  };
}
