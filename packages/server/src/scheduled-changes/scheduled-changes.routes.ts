import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { EnvironmentParams } from '../features/feature-states.schema.js';
import { withExample } from '../http/openapi.js';
import { exampleIds, exampleTimes, pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page } from '../http/schemas.js';
import {
  CreateScheduledChange,
  ScheduledChange,
  ScheduledChangeDetail,
  ScheduledChangeParams,
  ScheduledChangesQuery,
} from './scheduled-changes.schema.js';

const createExample: CreateScheduledChange = {
  changes: [{ kind: 'feature_state', feature: 'checkout-v2', enabled: true }],
  scheduled_at: '2026-04-01T07:00:00Z',
};
const scheduledChangeExample: ScheduledChange = {
  id: '019c9d5b3c400000e2f3a4b5c6d7e8f9',
  environment_id: exampleIds.environment,
  status: 'pending',
  author: { kind: 'token', id: exampleIds.adminToken },
  changes: createExample.changes,
  scheduled_at: '2026-04-01T07:00:00.000Z',
  applied_at: null,
  failure: null,
  created_at: exampleTimes.created,
  updated_at: exampleTimes.created,
};

/** Admin API: `/environments/:environmentId/scheduled-changes[/:id]`. */
export function scheduledChangesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = ctx.scheduledChanges;
  return async (app) => {
    const tags = ['scheduled changes'];
    const collection = '/environments/:environmentId/scheduled-changes';
    const item = `${collection}/:id`;
    app.get(
      collection,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the scheduled changes of an environment',
          description: 'In creation order; `status` narrows the list, e.g. to the pending ones.',
          params: EnvironmentParams,
          querystring: ScheduledChangesQuery,
          response: {
            200: withExample(Page(ScheduledChange), pageExample(scheduledChangeExample)),
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
          summary: 'Schedule changes to an environment',
          description:
            'The changes (as in a change request) apply at `scheduled_at`, once, as you, even with several ' +
            'servers; if no server runs then, on the first start after. They are checked now as the direct ' +
            'routes would check them; one that cannot apply at its time is marked `failed` with the reason. ' +
            'Protected environments schedule through change requests instead (409 `change_request_required`).',
          params: EnvironmentParams,
          body: withExample(CreateScheduledChange, createExample),
          response: { 201: withExample(ScheduledChange, scheduledChangeExample), ...adminErrors },
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
          summary: 'Get a scheduled change with its diff',
          params: ScheduledChangeParams,
          response: {
            200: withExample(ScheduledChangeDetail, {
              ...scheduledChangeExample,
              diff: [
                {
                  kind: 'feature_state',
                  target: "feature 'checkout-v2'",
                  current: { enabled: false, value: 'classic', variants: [], rollout_percentage: null },
                  proposed: { enabled: true, value: 'classic', variants: [], rollout_percentage: null },
                  moved: false,
                },
              ],
            }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.delete(
      item,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Cancel a scheduled change',
          description:
            'Only while pending (409 once applied, failed or cancelled); it stays listed as cancelled.',
          params: ScheduledChangeParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.cancel(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
