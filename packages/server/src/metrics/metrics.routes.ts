import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
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
        schema: {
          tags,
          summary: 'List the metric definitions of a project',
          params: ProjectMetricsParams,
          querystring: MetricsQuery,
          response: { 200: Page(Metric), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      collection,
      {
        schema: {
          tags,
          summary: 'Define a metric over logged events',
          params: ProjectMetricsParams,
          body: CreateMetric,
          response: { 201: Metric, ...adminErrors },
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
        schema: {
          tags,
          summary: 'Read a metric by id or key',
          params: MetricParams,
          response: { 200: Metric, ...adminErrors },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.projectId, request.params.metric),
    );
    app.patch(
      item,
      {
        schema: {
          tags,
          summary: 'Change a metric definition',
          description:
            'Results of experiments measuring it are computed with the new definition from then on.',
          params: MetricParams,
          body: UpdateMetric,
          response: { 200: Metric, ...adminErrors },
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
