import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { EnvironmentParams } from '../features/feature-states.schema.js';
import { withExample } from '../http/openapi.js';
import { pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page } from '../http/schemas.js';
import {
  changeRequestDetailExample,
  changeRequestExample,
  createChangeRequestExample,
} from './change-requests.example.js';
import {
  ApproveQuery,
  ChangeRequest,
  ChangeRequestDetail,
  ChangeRequestParams,
  ChangeRequestsQuery,
  CreateChangeRequest,
  ReviseChangeRequest,
} from './change-requests.schema.js';

/** Admin API: `/environments/:environmentId/change-requests[/:id[/approve|reject|commit|cancel]]`. */
export function changeRequestsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = ctx.changeRequests;
  return async (app) => {
    const tags = ['change requests'];
    const collection = '/environments/:environmentId/change-requests';
    const item = `${collection}/:id`;
    app.get(
      collection,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the change requests of an environment',
          description: 'In creation order; `status` narrows the list, e.g. to the open ones awaiting review.',
          params: EnvironmentParams,
          querystring: ChangeRequestsQuery,
          response: {
            200: withExample(Page(ChangeRequest), pageExample(changeRequestExample)),
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
        config: access('environment.propose', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Propose changes to an environment for approval',
          description:
            'The way to change feature states, segment overrides and identity overrides of a protected ' +
            'environment (`requires_approval`). Each change takes the body of its direct route plus `kind` ' +
            'and its target. The changes are checked as the direct routes would check them, and the version ' +
            'of each target is recorded: a commit is refused if one moved meanwhile. With `scheduled_at`, ' +
            'the approved request is committed at that time.',
          params: EnvironmentParams,
          body: withExample(CreateChangeRequest, createChangeRequestExample),
          response: { 201: withExample(ChangeRequest, changeRequestExample), ...adminErrors },
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
          summary: 'Get a change request with its diff',
          description:
            '`diff` shows, per change, the target now and as the change would leave it; `moved` says the ' +
            'target changed since the proposal, so a commit would be refused.',
          params: ChangeRequestParams,
          response: { 200: withExample(ChangeRequestDetail, changeRequestDetailExample), ...adminErrors },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.patch(
      item,
      {
        config: access('environment.propose', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Revise a change request (author only)',
          description:
            'New `changes` or a new `scheduled_at` make a new revision: versions are recorded again and ' +
            'approvals start over. The title and description change without that.',
          params: ChangeRequestParams,
          body: withExample(ReviseChangeRequest, {
            changes: [
              { kind: 'feature_state', feature: 'checkout-v2', enabled: true, rollout_percentage: 25 },
            ],
          }),
          response: {
            200: withExample(ChangeRequest, { ...changeRequestExample, revision: 2 }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.revise(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
          request.body,
        ),
    );
    app.post(
      `${item}/approve`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Approve a change request',
          description:
            'By anyone but its author (403 otherwise); once it has the approvals the environment ' +
            'requires, it is `approved`. `?revision=` guards against approving a revision you did not review.',
          params: ChangeRequestParams,
          querystring: ApproveQuery,
          response: {
            200: withExample(ChangeRequest, {
              ...changeRequestExample,
              status: 'approved',
              approvals: [
                {
                  actor: { kind: 'token', id: '019c9a1e3f250000d2e3f4a5b6c7d8e9' },
                  approved_at: changeRequestExample.updated_at,
                },
              ],
            }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.approve(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
          request.query,
        ),
    );
    app.post(
      `${item}/reject`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Reject a change request',
          description: 'By anyone but its author, who cancels instead. Nothing is applied.',
          params: ChangeRequestParams,
          response: {
            200: withExample(ChangeRequest, { ...changeRequestExample, status: 'rejected' }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.reject(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.post(
      `${item}/cancel`,
      {
        config: access('environment.propose', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Cancel a change request (author only)',
          params: ChangeRequestParams,
          response: {
            200: withExample(ChangeRequest, { ...changeRequestExample, status: 'cancelled' }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.cancel(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.post(
      `${item}/commit`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Commit an approved change request',
          description:
            'Applies every change at once, in one transaction, or none: 409 `conflict` names each target ' +
            'that changed since the proposal (revise the request to propose against what is there now). ' +
            'SDKs see the changes at once.',
          params: ChangeRequestParams,
          response: {
            200: withExample(ChangeRequest, { ...changeRequestExample, status: 'committed' }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.commit(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
  };
}
