/**
 * Example values for the OpenAPI document, shared by the routes that show the same thing, so
 * one project reads the same across every operation: the `checkout-v2` feature rolled out in
 * `production` to the `pro-plan` segment. Routes attach them with `withExample`, which checks
 * each against the route's schema at compile time.
 */

const at = '2026-03-02T09:15:00.000Z';
const later = '2026-03-09T14:30:00.000Z';

export const exampleIds = {
  organisation: '00000000000000000000000000000000',
  project: '019c9a1e3f200000a41f5c2b7d9e0813',
  environment: '019c9a1e3f210000c7d2e8b1f4a60952',
  feature: '019c9a2b7c400000e3b8a5d1c6f29074',
  featureState: '019c9a2b7c410000b2d4f6e8a1c37095',
  segment: '019c9a3d5e600000f1a2b3c4d5e6f708',
  segmentOverride: '019c9a3d5e610000a9b8c7d6e5f4a3b2',
  identity: '019c9b0f1a200000d3c5e7f9a1b2c4d6',
  identityOverride: '019c9b0f1a210000e8f6a4b2c1d3e5f7',
  adminToken: '019c9a1e3f230000b5c6d7e8f9a0b1c2',
  serverKey: '019c9a1e3f240000c1d2e3f4a5b6c7d8',
};

export const exampleKeys = {
  client: 'pQ7xK2mV9tR4wL8nZ3bY6cF1hJ5sD0gA',
  rotatedClient: 'Vn5rT8kW2xM6pQ9bL3cY7hF1zJ4sD0gE',
  server: 'ser.Hq3LmW8vT2xK9pR5nB7cZ4yF6dJ1sG0a',
  adminToken: 'pat_Wd4Kx8mQ2vL7tR9nB3cZ6yF1hJ5sP0gA',
};

export const exampleTimes = { created: at, updated: later };

export const organisationExample = {
  id: exampleIds.organisation,
  name: 'Acme',
  created_at: at,
};

export const projectExample = {
  id: exampleIds.project,
  organisation_id: exampleIds.organisation,
  name: 'Storefront',
  created_at: at,
  updated_at: later,
};

export const environmentExample = {
  id: exampleIds.environment,
  project_id: exampleIds.project,
  key: 'production',
  name: 'Production',
  client_key: exampleKeys.client,
  hide_disabled_flags: false,
  hide_sensitive_data: true,
  allow_client_traits: true,
  requires_approval: null,
  created_at: at,
  updated_at: later,
};

export const featureExample = {
  id: exampleIds.feature,
  project_id: exampleIds.project,
  key: 'checkout-v2',
  number: 7,
  type: 'string' as const,
  description: 'Which checkout flow a shopper sees.',
  tags: ['checkout', 'web'],
  server_key_only: false,
  default_enabled: false,
  default_value: 'classic',
  owner: 'checkout team',
  archived: false,
  created_at: at,
  updated_at: later,
};

export const variantsExample = [
  { key: 'one-page', value: 'one-page', weight: 50 },
  { key: 'express', value: 'express', weight: 25 },
];

export const featureStateExample = {
  id: exampleIds.featureState,
  environment_id: exampleIds.environment,
  feature_id: exampleIds.feature,
  feature_key: 'checkout-v2',
  enabled: true,
  value: 'classic',
  variants: variantsExample,
  rollout_percentage: 30,
  updated_at: later,
};

export const segmentRulesExample = [
  {
    type: 'ALL' as const,
    conditions: [{ property: 'plan', operator: 'EQUAL' as const, value: 'pro' }],
    rules: [
      {
        type: 'ANY' as const,
        conditions: [
          { property: 'country', operator: 'IN' as const, value: ['DE', 'FR', 'NL'] },
          { property: 'app_version', operator: 'GREATER_THAN_INCLUSIVE' as const, value: '4.2.0:semver' },
        ],
        rules: [],
      },
    ],
  },
];

export const segmentExample = {
  id: exampleIds.segment,
  project_id: exampleIds.project,
  name: 'pro-plan',
  description: 'Paying customers on the pro plan in our first markets.',
  rules: segmentRulesExample,
  hash_key: '5f0c1e2d3b4a69788796a5b4c3d2e1f0',
  created_at: at,
  updated_at: later,
};

export const segmentOverrideExample = {
  id: exampleIds.segmentOverride,
  environment_id: exampleIds.environment,
  segment_id: exampleIds.segment,
  feature_id: exampleIds.feature,
  priority: 0,
  enabled: true,
  value: 'one-page',
  variants: [],
  rollout_percentage: null,
  updated_at: later,
};

export const identityExample = {
  id: exampleIds.identity,
  environment_id: exampleIds.environment,
  identifier: 'user-4821',
  created_at: at,
};

export const traitsExample = { plan: 'pro', country: 'DE', seats: 12, beta_tester: true };

export const identityOverrideExample = {
  id: exampleIds.identityOverride,
  identity_id: exampleIds.identity,
  feature_id: exampleIds.feature,
  feature_key: 'checkout-v2',
  enabled: true,
  value: 'express',
  hash_key: '019c9b0f1a220000a7b6c5d4e3f2a1b0',
  updated_at: later,
};

export const identityDetailExample = {
  ...identityExample,
  traits: traitsExample,
  overrides: [identityOverrideExample],
};

export const adminTokenExample = {
  id: exampleIds.adminToken,
  name: 'ci-deploy',
  role: 'admin' as const,
  created_at: at,
};

export const serverKeyExample = {
  id: exampleIds.serverKey,
  name: 'checkout-service',
  key: exampleKeys.server,
  created_at: at,
};

/** One page of a list; a null cursor means there is no next page. */
export function pageExample<T>(...items: T[]): { items: T[]; next_cursor: string | null } {
  return { items, next_cursor: null };
}
