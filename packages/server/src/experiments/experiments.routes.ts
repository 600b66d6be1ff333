import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { exampleIds, pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery } from '../http/schemas.js';
import { ExperimentsRepository } from './experiments.repository.js';
import {
  CreateExperiment,
  EnvironmentExperimentsParams,
  Experiment,
  ExperimentChange,
  ExperimentParams,
  ExperimentsQuery,
  UpdateExperiment,
} from './experiments.schema.js';
import { ExperimentsService } from './experiments.service.js';

const experimentExample: Experiment = {
  id: '019c9c2d3e400000b2c3d4e5f6a70819',
  environment_id: exampleIds.environment,
  feature_id: exampleIds.feature,
  feature_key: 'checkout-v2',
  key: 'one-page-checkout',
  name: 'One-page checkout',
  hypothesis: 'A single page converts more visitors than the classic three-step checkout.',
  control_variant: 'classic',
  status: 'running',
  method: 'frequentist',
  alpha: 0.05,
  correction: 'holm',
  cuped: true,
  cuped_window_days: 14,
  metrics: [
    { metric_id: '019c9c1a2b300000a1b2c3d4e5f60718', metric_key: 'checkout-completed', role: 'primary' },
    { metric_id: '019c9c1a2b310000c3d4e5f6a7b80912', metric_key: 'refunds', role: 'guardrail' },
  ],
  started_at: '2026-03-09T14:30:00.000Z',
  stopped_at: null,
  created_at: '2026-03-02T09:15:00.000Z',
  updated_at: '2026-03-09T14:30:00.000Z',
};

/** Admin API: experiments of an environment, each by id or key, with their lifecycle. */
export function experimentsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new ExperimentsService(new ExperimentsRepository(ctx.db));
  return async (app) => {
    const tags = ['experiments'];
    const collection = '/environments/:environmentId/experiments';
    const item = `${collection}/:experiment`;
    const org = (request: Parameters<typeof principal>[0]) => principal(request).organisationId;

    app.get(
      collection,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the experiments of an environment',
          params: EnvironmentExperimentsParams,
          querystring: ExperimentsQuery,
          response: { 200: withExample(Page(Experiment), pageExample(experimentExample)), ...adminErrors },
        },
      },
      (request) => service.list(org(request), request.params.environmentId, request.query),
    );
    app.post(
      collection,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Design an experiment on a multivariate feature',
          description:
            'Creates a draft: the feature (by id or key) whose variants are compared, the control ' +
            'variant the others are compared with, and the metrics (primary, secondary, guardrail). ' +
            'Start it to begin counting exposures.',
          params: EnvironmentExperimentsParams,
          body: withExample(CreateExperiment, {
            key: 'one-page-checkout',
            name: 'One-page checkout',
            hypothesis: 'A single page converts more visitors than the classic three-step checkout.',
            feature: 'checkout-v2',
            control_variant: 'classic',
            metrics: [
              { metric: 'checkout-completed', role: 'primary' },
              { metric: 'refunds', role: 'guardrail' },
            ],
            cuped: true,
          }),
          response: {
            201: withExample(Experiment, { ...experimentExample, status: 'draft', started_at: null }),
            ...adminErrors,
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.create(org(request), request.params.environmentId, request.body)),
    );
    app.get(
      item,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Read an experiment by id or key',
          params: ExperimentParams,
          response: { 200: withExample(Experiment, experimentExample), ...adminErrors },
        },
      },
      (request) => service.get(org(request), request.params.environmentId, request.params.experiment),
    );
    app.patch(
      item,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Change an experiment’s design or analysis settings',
          description:
            'Name, hypothesis, metrics and analysis settings (method, alpha, correction, CUPED) may ' +
            'change while it runs: results are recomputed from the logs. The control variant is ' +
            'fixed once it starts; a stopped experiment is final.',
          params: ExperimentParams,
          body: withExample(UpdateExperiment, { method: 'sequential', alpha: 0.01 }),
          response: {
            200: withExample(Experiment, { ...experimentExample, method: 'sequential', alpha: 0.01 }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.update(org(request), request.params.environmentId, request.params.experiment, request.body),
    );
    app.delete(
      item,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Delete an experiment that is not running',
          params: ExperimentParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(org(request), request.params.environmentId, request.params.experiment);
        return reply.status(204).send(null);
      },
    );
    app.post(
      `${item}/start`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Start a draft experiment',
          description:
            'From now on, first exposures to the feature in this environment assign units to ' +
            'variants. Needs variants on the feature here and a primary metric.',
          params: ExperimentParams,
          response: { 200: withExample(Experiment, experimentExample), ...adminErrors },
        },
      },
      (request) => service.start(org(request), request.params.environmentId, request.params.experiment),
    );
    app.post(
      `${item}/stop`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Stop a running experiment',
          description: 'Exposures after this moment no longer count; results stay readable.',
          params: ExperimentParams,
          response: {
            200: withExample(Experiment, {
              ...experimentExample,
              status: 'stopped',
              stopped_at: '2026-03-30T08:00:00.000Z',
            }),
            ...adminErrors,
          },
        },
      },
      (request) => service.stop(org(request), request.params.environmentId, request.params.experiment),
    );
    app.get(
      `${item}/changes`,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'What happened to an experiment, oldest first',
          description: 'Creation, edits, start and stop, and variant changes forced while it ran.',
          params: ExperimentParams,
          querystring: PageQuery,
          response: {
            200: withExample(
              Page(ExperimentChange),
              pageExample({
                id: '019c9c2d3e410000c3d4e5f6a7b8091a',
                at: '2026-03-09T14:30:00.000Z',
                action: 'started',
                details: { variants: [{ key: 'one-page', weight: 50 }] },
              }),
            ),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.changes(org(request), request.params.environmentId, request.params.experiment, request.query),
    );
  };
}
