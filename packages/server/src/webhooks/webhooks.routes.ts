import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { withExample } from '../http/openapi.js';
import { pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery } from '../http/schemas.js';
import { WebhooksRepository } from './webhooks.repository.js';
import {
  CreatedWebhook,
  CreateWebhook,
  DeliveriesQuery,
  UpdateWebhook,
  Webhook,
  WebhookDelivery,
  WebhookParams,
} from './webhooks.schema.js';
import { WebhooksService } from './webhooks.service.js';

const webhookExample: Webhook = {
  id: '019c9c1a2b300000a1b2c3d4e5f60718',
  project_id: '019c9a1e3f200000a41f5c2b7d9e0813',
  environment_id: null,
  url: 'https://hooks.example.com/pennon',
  events: ['flags', 'segments', 'overrides'],
  enabled: true,
  description: 'Tell the on-call channel about flag changes.',
  created_at: '2026-03-02T09:15:00.000Z',
  updated_at: '2026-03-02T09:15:00.000Z',
};

const deliveryExample: WebhookDelivery = {
  id: '019c9c1a2b310000b2c3d4e5f6071829',
  webhook_id: webhookExample.id,
  event: 'feature_state.update',
  audit_id: '019c9c1a2b300000c3d4e5f607182930',
  status: 'delivered',
  attempts: 1,
  next_attempt_at: null,
  response_code: 200,
  response_body: 'ok',
  error: null,
  created_at: '2026-03-02T09:16:00.000Z',
  completed_at: '2026-03-02T09:16:00.210Z',
};

const SIGNING =
  'Each delivery is a POST with a JSON body `{id, event, webhook_id, created_at, data}` and the ' +
  'headers `X-Pennon-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed by the ' +
  'secret>`, `X-Pennon-Timestamp` (epoch seconds; reject old ones), `X-Pennon-Delivery` (the ' +
  'delivery id) and `X-Pennon-Event`. Failed attempts (no 2xx answer) are retried with ' +
  'exponential backoff until a maximum of attempts. Delivery is at least once: deduplicate by ' +
  'the delivery id.';

/** Admin API: `/projects/:projectId/webhooks`, `/webhooks/:id`, its deliveries and test. */
export function webhooksRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new WebhooksService(new WebhooksRepository(ctx.db));
  return async (app) => {
    const tags = ['webhooks'];
    app.get(
      '/projects/:projectId/webhooks',
      {
        config: access('project.manage', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the webhooks of a project',
          params: ProjectParams,
          querystring: PageQuery,
          response: { 200: withExample(Page(Webhook), pageExample(webhookExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.post(
      '/projects/:projectId/webhooks',
      {
        config: access('project.manage', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'Create a webhook',
          description: `Subscribes a URL to the project's changes, or one environment's (\`environment_id\`, with the project-level changes every environment evaluates). The answer carries the signing secret, shown only now. ${SIGNING}`,
          params: ProjectParams,
          body: withExample(CreateWebhook, {
            url: 'https://hooks.example.com/pennon',
            environment_id: 'production',
            events: ['flags', 'overrides'],
          }),
          response: {
            201: withExample(CreatedWebhook, {
              ...webhookExample,
              secret: 'whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAA',
            }),
            ...adminErrors,
          },
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
      '/webhooks/:id',
      {
        config: access('project.manage', { webhook: 'id' }),
        schema: {
          tags,
          summary: 'Get a webhook',
          params: WebhookParams,
          response: { 200: withExample(Webhook, webhookExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/webhooks/:id',
      {
        config: access('project.manage', { webhook: 'id' }),
        schema: {
          tags,
          summary: 'Update a webhook',
          description:
            'Changes the URL, events, description, or pauses it (`enabled: false`); absent fields stay.',
          params: WebhookParams,
          body: withExample(UpdateWebhook, { enabled: false }),
          response: { 200: withExample(Webhook, { ...webhookExample, enabled: false }), ...adminErrors },
        },
      },
      (request) => service.update(principal(request).organisationId, request.params.id, request.body),
    );
    app.delete(
      '/webhooks/:id',
      {
        config: access('project.manage', { webhook: 'id' }),
        schema: {
          tags,
          summary: 'Delete a webhook',
          description: 'Removes it with its delivery log; pending deliveries are not sent.',
          params: WebhookParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/webhooks/:id/deliveries',
      {
        config: access('project.manage', { webhook: 'id' }),
        schema: {
          tags,
          summary: "List a webhook's deliveries",
          description: 'Newest first: status, attempts, and the last answer (code and truncated body).',
          params: WebhookParams,
          querystring: DeliveriesQuery,
          response: { 200: withExample(Page(WebhookDelivery), pageExample(deliveryExample)), ...adminErrors },
        },
      },
      (request) => service.deliveries(principal(request).organisationId, request.params.id, request.query),
    );
    app.post(
      '/webhooks/:id/test',
      {
        config: access('project.manage', { webhook: 'id' }),
        schema: {
          tags,
          summary: 'Send a test ping',
          description:
            'Queues a `ping` delivery through the same path as every event; its outcome shows in ' +
            'the deliveries a moment later.',
          params: WebhookParams,
          response: {
            202: withExample(WebhookDelivery, {
              ...deliveryExample,
              event: 'ping',
              audit_id: null,
              status: 'pending',
              attempts: 0,
              next_attempt_at: '2026-03-02T09:16:00.000Z',
              response_code: null,
              response_body: null,
              completed_at: null,
            }),
            ...adminErrors,
          },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await service.ping(principal(request).organisationId, request.params.id)),
    );
  };
}
