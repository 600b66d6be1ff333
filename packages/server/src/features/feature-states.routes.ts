import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample, withExamples } from '../http/openapi.js';
import { featureStateExample, pageExample, variantsExample } from '../http/openapi-examples.js';
import { adminErrors, ForceQuery, Page, PageQuery } from '../http/schemas.js';
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
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the state of every feature in one environment',
          description: 'Whether each feature is on here, its value and its variants, before any override.',
          params: EnvironmentParams,
          querystring: PageQuery,
          response: {
            200: withExample(Page(FeatureState), pageExample(featureStateExample)),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.get(
      '/environments/:environmentId/feature-states/:featureId',
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Get the state of one feature in one environment',
          params: FeatureStateParams,
          response: { 200: withExample(FeatureState, featureStateExample), ...adminErrors },
        },
      },
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
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Roll out or change a feature in one environment',
          description:
            'Turns the feature on or off here, sets its value, or splits identities between variants ' +
            'by weight (percentages; the rest get `value`). `rollout_percentage` enables it for that ' +
            'share of identities only (stable per identity: raising it only adds identities; null for ' +
            'everyone). Absent fields stay as they are; `variants` replaces the whole list, and a kept ' +
            'variant keeps its users. SDKs see the change at once.',
          params: FeatureStateParams,
          querystring: ForceQuery,
          body: withExamples(UpdateFeatureState, {
            enable: { summary: 'Turn it on for everyone', value: { enabled: true } },
            value: { summary: 'Change the value', value: { value: 'one-page' } },
            split: {
              summary: 'Split identities between variants',
              value: { enabled: true, value: 'classic', variants: variantsExample },
            },
            rollout: {
              summary: 'Roll it out to 30% of identities',
              value: { enabled: true, rollout_percentage: 30 },
            },
          }),
          response: { 200: withExample(FeatureState, featureStateExample), ...adminErrors },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.featureId,
          request.body,
          request.query,
        ),
    );
  };
}
