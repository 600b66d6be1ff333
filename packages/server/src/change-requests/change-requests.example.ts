import { exampleIds, exampleTimes } from '../http/openapi-examples.js';
import type { ChangeRequest, ChangeRequestDetail, CreateChangeRequest } from './change-requests.schema.js';

/** Examples for the OpenAPI document: turning `checkout-v2` on in production, with the `pro-plan` segment first. */
export const createChangeRequestExample: CreateChangeRequest = {
  title: 'Launch checkout v2',
  description: 'Pro customers first, everyone a week later.',
  changes: [
    { kind: 'feature_state', feature: 'checkout-v2', enabled: true, rollout_percentage: 10 },
    {
      kind: 'segment_override',
      segment: 'pro-plan',
      feature: 'checkout-v2',
      enabled: true,
      value: 'one-page',
    },
  ],
};

export const changeRequestExample: ChangeRequest = {
  id: '019c9c4a2b300000d1e2f3a4b5c6d7e8',
  environment_id: exampleIds.environment,
  title: createChangeRequestExample.title,
  description: createChangeRequestExample.description ?? '',
  status: 'open',
  revision: 1,
  author: { kind: 'token', id: exampleIds.adminToken },
  changes: createChangeRequestExample.changes,
  scheduled_at: null,
  approvals: [],
  required_approvals: 1,
  closed_by: null,
  closed_at: null,
  failure: null,
  created_at: exampleTimes.created,
  updated_at: exampleTimes.created,
};

export const changeRequestDetailExample: ChangeRequestDetail = {
  ...changeRequestExample,
  diff: [
    {
      kind: 'feature_state',
      target: "feature 'checkout-v2'",
      current: { enabled: false, value: 'classic', variants: [], rollout_percentage: null },
      proposed: { enabled: true, value: 'classic', variants: [], rollout_percentage: 10 },
      moved: false,
    },
    {
      kind: 'segment_override',
      target: "the override of feature 'checkout-v2' for segment 'pro-plan'",
      current: null,
      proposed: { enabled: true, value: 'one-page', variants: [], rollout_percentage: null },
      moved: false,
    },
  ],
};
