import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { adminErrors } from '../http/schemas.js';
import { ExperimentsRepository } from './experiments.repository.js';
import { ExperimentParams } from './experiments.schema.js';
import { ExperimentsService } from './experiments.service.js';
import { ResultsCache } from './results.cache.js';
import { resultsExample } from './results.example.js';
import { ResultsRepository } from './results.repository.js';
import { ExperimentResults, ResultsQuery } from './results.schema.js';
import { ResultsService } from './results.service.js';

/** Cached results are recomputed after this long, or at once on `?refresh=true`. */
const RESULTS_MAX_AGE_MS = 5 * 60 * 1000;

/** Admin API: `GET /environments/:environmentId/experiments/:experiment/results`. */
export function experimentResultsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const repository = new ExperimentsRepository(ctx.db);
  const experiments = new ExperimentsService(repository);
  const results = new ResultsService(new ResultsRepository(ctx.db, ctx.database.dialect));
  const cache = new ResultsCache(RESULTS_MAX_AGE_MS);
  cache.schedule(60 * 1000);
  return async (app) => {
    app.addHook('onClose', async () => cache.close());
    app.get(
      '/environments/:environmentId/experiments/:experiment/results',
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags: ['experiments'],
          summary: 'Which variant wins: results per metric with sound statistics',
          description:
            'Per variant and metric: units, mean, variance; per variant against control: the lift ' +
            'with its interval and p-value (frequentist, sequential) or chance to win and risk ' +
            '(Bayesian), corrected across variants. Also sample-ratio mismatch (alert below ' +
            'p = 0.001), units excluded for seeing two variants, and a daily cumulative series of ' +
            'the primary metrics. Computed in the database, cached for five minutes.',
          params: ExperimentParams,
          querystring: ResultsQuery,
          response: { 200: withExample(ExperimentResults, resultsExample), ...adminErrors },
        },
      },
      async (request) => {
        const { experiment } = await experiments.find(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.experiment,
        );
        const metrics = await repository.metricDefinitions(experiment.id);
        const variants = await repository.variants(experiment.environment_id, experiment.feature_id);
        // Any change to the experiment, its metrics or its split makes cached figures stale.
        const version = JSON.stringify([
          experiment.updated_at,
          metrics.map((m) => [m.metric.id, m.metric.updated_at, m.role]),
          variants.map((v) => [v.key, v.weight]),
        ]);
        return cache.get(
          experiment.id,
          version,
          () => results.compute({ experiment, metrics, variants, now: Date.now() }),
          request.query.refresh === true,
        );
      },
    );
  };
}
