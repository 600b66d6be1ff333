import { exampleIds, exampleKeys, exampleTimes } from './openapi-examples.js';

/*
 * Examples of the SDK APIs' answers for the OpenAPI document, taken from what the server
 * answers for the project of openapi-examples.ts.
 */

// SDK APIs: the production environment above, evaluated for `user-4821` on the pro plan, who
// falls in the `express` variant of checkout-v2 and in the pro-plan segment that turns dark-mode off.

/** `updated_at` as Flagsmith's SDKs read it: epoch seconds. */
export const exampleUpdatedAtSeconds = Date.parse(exampleTimes.updated) / 1000;

const darkModeId = '019c9a2b7c420000d5e4f3a2b1c09d8e';

export const nativeFlagsExample = {
  flags: {
    'checkout-v2': {
      key: 'checkout-v2',
      type: 'string',
      enabled: true,
      value: 'express',
      reason: 'SPLIT; weight=25',
      variant: 'express',
    },
    'dark-mode': {
      key: 'dark-mode',
      type: 'boolean',
      enabled: false,
      value: false,
      reason: 'TARGETING_MATCH',
      variant: null,
    },
  },
  identifier: 'user-4821',
  updated_at: exampleTimes.updated,
};

export const nativeDocumentExample = {
  environment: {
    id: exampleIds.environment,
    name: 'Production',
    updated_at: exampleTimes.updated,
    project: { id: exampleIds.project, name: 'Storefront' },
    hide_disabled_flags: false,
    hide_sensitive_data: true,
    allow_client_traits: true,
  },
  context: {
    environment: { key: exampleKeys.client, name: 'Production' },
    features: {
      'checkout-v2': {
        key: exampleIds.feature,
        name: 'checkout-v2',
        enabled: true,
        value: 'classic',
        metadata: { id: 7 },
        variants: [
          { key: 'one-page', value: 'one-page', weight: 50, priority: 0 },
          { key: 'express', value: 'express', weight: 25, priority: 1 },
        ],
      },
      'dark-mode': { key: darkModeId, name: 'dark-mode', enabled: true, value: null, metadata: { id: 8 } },
    },
    segments: {
      [exampleIds.segment]: {
        key: exampleIds.segment,
        name: 'pro-plan',
        rules: [
          { type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }], rules: [] },
        ],
        overrides: [
          {
            key: exampleIds.segmentOverride,
            name: 'dark-mode',
            enabled: false,
            value: null,
            metadata: { id: 8 },
            priority: 0,
          },
        ],
        metadata: { id: exampleIds.segment },
      },
    },
  },
  feature_types: { 'checkout-v2': 'string', 'dark-mode': 'boolean' },
  features: [
    {
      key: 'checkout-v2',
      id: exampleIds.feature,
      number: 7,
      type: 'string',
      description: 'The new checkout flow',
      tags: ['checkout'],
      server_key_only: false,
    },
    {
      key: 'dark-mode',
      id: darkModeId,
      number: 8,
      type: 'boolean',
      description: '',
      tags: [],
      server_key_only: false,
    },
  ],
};

function flagsmithFlag(
  id: number,
  name: string,
  description: string | null,
  state: { enabled: boolean; value: string | null; variant: string | null; reason: string },
) {
  return {
    id,
    feature: {
      id,
      name,
      type: 'STANDARD',
      description,
      initial_value: null,
      default_enabled: false,
      tags: [],
      reason: state.reason,
    },
    feature_state_value: state.value,
    enabled: state.enabled,
    environment: null,
    identity: null,
    feature_segment: null,
    variant: state.variant,
    reason: state.reason,
  };
}

const checkoutDescription = 'Which checkout flow a shopper sees.';

export const flagsmithFlagsExample = [
  flagsmithFlag(7, 'checkout-v2', checkoutDescription, {
    enabled: true,
    value: 'classic',
    variant: null,
    reason: 'DEFAULT',
  }),
  flagsmithFlag(8, 'dark-mode', null, { enabled: true, value: null, variant: null, reason: 'DEFAULT' }),
];

export const flagsmithIdentityExample = {
  identifier: 'user-4821',
  flags: [
    flagsmithFlag(7, 'checkout-v2', checkoutDescription, {
      enabled: true,
      value: 'express',
      variant: 'express',
      reason: 'SPLIT; weight=25',
    }),
    flagsmithFlag(8, 'dark-mode', null, {
      enabled: false,
      value: null,
      variant: null,
      reason: 'TARGETING_MATCH',
    }),
  ],
  traits: [{ trait_key: 'plan', trait_value: 'pro' }],
};

function flagsmithState(
  id: number,
  name: string,
  enabled: boolean,
  uuid: string,
  variants: { value: string; percentage_allocation: number }[] = [],
) {
  return {
    feature: { id, name, type: variants.length > 0 ? 'MULTIVARIATE' : 'STANDARD' },
    enabled,
    feature_state_value: variants.length > 0 ? 'classic' : null,
    django_id: null,
    featurestate_uuid: uuid,
    multivariate_feature_state_values: variants.map((variant, i) => ({
      id: i,
      multivariate_feature_option: { id: i, value: variant.value },
      percentage_allocation: variant.percentage_allocation,
      mv_fs_value_uuid: null,
    })),
  };
}

/** The Flagsmith environment document, as `/api/v1/environment-document/` serves it and the import takes it. */
export const flagsmithDocumentExample = {
  id: exampleIds.environment,
  api_key: exampleKeys.client,
  name: 'Production',
  updated_at: exampleTimes.updated,
  use_identity_composite_key_for_hashing: true,
  use_identity_overrides_in_local_eval: true,
  hide_disabled_flags: false,
  allow_client_traits: true,
  project: {
    id: exampleIds.project,
    name: exampleIds.project,
    organisation: {
      id: exampleIds.project,
      name: '',
      feature_analytics: false,
      stop_serving_flags: false,
      persist_trait_data: true,
    },
    hide_disabled_flags: false,
    server_key_only_feature_ids: [],
    segments: [
      {
        id: exampleIds.segment,
        name: 'pro-plan',
        rules: [
          { type: 'ALL', conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'pro' }], rules: [] },
        ],
        feature_states: [
          {
            ...flagsmithState(8, 'dark-mode', false, exampleIds.segmentOverride),
            feature_segment: { priority: 0 },
          },
        ],
      },
    ],
  },
  feature_states: [
    flagsmithState(7, 'checkout-v2', true, exampleIds.featureState, [
      { value: 'one-page', percentage_allocation: 50 },
      { value: 'express', percentage_allocation: 25 },
    ]),
    flagsmithState(8, 'dark-mode', true, '019c9a2b7c430000c4d3e2f1a0b9c8d7'),
  ],
  identity_overrides: [],
};

const ofrepCheckout = {
  key: 'checkout-v2',
  reason: 'SPLIT',
  value: 'express',
  variant: 'express',
  metadata: { reasonDetail: 'SPLIT; weight=25', type: 'string' },
};

export const ofrepFlagExample = ofrepCheckout;

export const ofrepBulkExample = {
  flags: [
    ofrepCheckout,
    {
      key: 'dark-mode',
      reason: 'TARGETING_MATCH',
      value: false,
      metadata: { reasonDetail: 'TARGETING_MATCH', type: 'boolean' },
    },
  ],
  eventStreams: [
    {
      type: 'sse' as const,
      url: `https://flags.example.com/ofrep/v1/events?key=${exampleKeys.client}`,
      endpoint: { requestUri: `/ofrep/v1/events?key=${exampleKeys.client}` },
    },
  ],
};

export const ofrepContextExample = { context: { targetingKey: 'user-4821', plan: 'pro', country: 'DE' } };
