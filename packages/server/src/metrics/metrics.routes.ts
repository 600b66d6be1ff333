import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page } from '../http/schemas.js';
import { MetricsRepository } from './metrics.repository.js';
import {
  CreateMetric,
  Metric,
  MetricParams,
  MetricsQuery,
  ProjectMetricsParams,
  UpdateMetric,
} from './metrics.schema.js';
import { MetricsService } from './metrics.service.js';

const metricExample: Metric = {
  id: '019c9c1a2b300000a1b2c3d4e5f60718',
  project_id: '019c9a1e3f200000a41f5c2b7d9e0813',
  key: 'checkout-completed',
  name: 'Checkout completed',
  description: 'Share of users who completed a checkout after seeing the variant.',
  kind: 'conversion',
  event_name: 'checkout_completed',
  denominator_event_name: null,
  direction: 'higher',
  winsorize_percentile: null,
  conversion_window_hours: 72,
  property_filter: { property: 'currency', operator: 'in', value: ['EUR', 'USD'] },
  created_at: '2026-03-02T09:15:00.000Z',
  updated_at: '2026-03-02T09:15:00.000Z',
};

/** Admin API: `/projects/:projectId/metrics`, each metric by id or key. */
export function metricsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new MetricsService(new MetricsRepository(ctx.db));
  return async (app) => {
    const tags = ['metrics'];
    const collection = '/projects/:projectId/metrics';
    const item = `${collection}/:metric`;
    app.get(
      collection,
      {
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the metric definitions of a project',
          params: ProjectMetricsParams,
          querystring: MetricsQuery,
          response: { 200: withExample(Page(Metric), pageExample(metricExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      collection,
      {
        config: access('project.edit', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Define a metric over logged events',
          params: ProjectMetricsParams,
          body: withExample(CreateMetric, {
            key: 'checkout-completed',
            name: 'Checkout completed',
            kind: 'conversion',
            event_name: 'checkout_completed',
            conversion_window_hours: 72,
          }),
          response: { 201: withExample(Metric, metricExample), ...adminErrors },
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
      item,
      {
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Read a metric by id or key',
          params: MetricParams,
          response: { 200: withExample(Metric, metricExample), ...adminErrors },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.projectId, request.params.metric),
    );
    app.patch(
      item,
      {
        config: access('project.edit', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Change a metric definition',
          description:
            'Results of experiments measuring it are computed with the new definition from then on.',
          params: MetricParams,
          body: withExample(UpdateMetric, { conversion_window_hours: 24 }),
          response: {
            200: withExample(Metric, { ...metricExample, conversion_window_hours: 24 }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.projectId,
          request.params.metric,
          request.body,
        ),
    );
    app.delete(
      item,
      {
        config: access('project.edit', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Delete a metric no experiment measures',
          params: MetricParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(
          principal(request).organisationId,
          request.params.projectId,
          request.params.metric,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
