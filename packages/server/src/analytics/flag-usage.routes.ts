import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { exampleIds } from '../http/openapi-examples.js';
import { adminErrors, Ref } from '../http/schemas.js';
import { FlagUsageRepository } from './flag-usage.repository.js';
import { FlagUsage, FlagUsageQuery } from './flag-usage.schema.js';
import { FlagUsageService } from './flag-usage.service.js';

/** Admin API: `/environments/:environmentId/flag-usage`, evaluation counts by day. */
export function flagUsageRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new FlagUsageService(new FlagUsageRepository(ctx.db));
  return async (app) => {
    app.get(
      '/environments/:environmentId/flag-usage',
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags: ['features'],
          summary: 'Flag evaluations by day',
          description:
            'What SDKs reported through flag analytics (Flagsmith `analytics/flags/`), summed by UTC ' +
            'day over the last `days` days (today included), for every feature of the project or ' +
            'only `feature_id`. A flag with `last_evaluated` null was not evaluated in the window.',
          params: Type.Object({ environmentId: Ref }),
          querystring: FlagUsageQuery,
          response: {
            200: withExample(FlagUsage, {
              from: '2026-02-08',
              to: '2026-03-09',
              items: [
                {
                  feature_id: exampleIds.feature,
                  feature_key: 'checkout-v2',
                  total: 1840,
                  last_evaluated: '2026-03-09',
                  daily: [
                    { day: '2026-03-08', count: 912 },
                    { day: '2026-03-09', count: 928 },
                  ],
                },
              ],
            }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.read(principal(request).organisationId, request.params.environmentId, request.query),
    );
  };
}
