/**
 * Examples for the routes the console reads (identity evaluation, identity overrides by
 * feature, flag usage, favourites, environment comparison), in the same story as
 * openapi-examples.ts: `checkout-v2` rolled out in production to `pro-plan`.
 */
import { exampleIds, exampleTimes, identityExample, traitsExample } from './openapi-examples.js';

export const identityEvaluationExample = {
  identity_id: exampleIds.identity,
  identifier: identityExample.identifier,
  environment_id: exampleIds.environment,
  traits: traitsExample,
  segments: [{ id: exampleIds.segment, name: 'pro-plan' }],
  flags: [
    {
      feature_id: exampleIds.feature,
      feature_key: 'checkout-v2',
      type: 'string',
      server_key_only: false,
      enabled: true,
      value: 'one-page',
      variant: null,
      reason: 'TARGETING_MATCH; segment=pro-plan',
      decided_by: 'segment' as const,
      segment: { id: exampleIds.segment, name: 'pro-plan' },
    },
  ],
};

export const featureIdentityOverrideExample = {
  identity_id: exampleIds.identity,
  identifier: identityExample.identifier,
  feature_id: exampleIds.feature,
  feature_key: 'checkout-v2',
  enabled: true,
  value: 'express',
  updated_at: exampleTimes.updated,
};
