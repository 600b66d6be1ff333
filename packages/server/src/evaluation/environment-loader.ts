import type { Kysely } from 'kysely';
import type { EnvironmentRow, FeatureRow, Tables } from '../storage/tables.js';

export interface StoredVariant {
  key: string;
  value: unknown;
  weight: number;
  priority: number;
}

export interface LoadedFeature {
  row: FeatureRow;
  state: {
    enabled: boolean;
    value: unknown;
    variants: StoredVariant[];
    hashKey: string;
    rolloutPercentage: number | null;
  };
}

export interface LoadedSegment {
  id: string;
  name: string;
  hashKey: string;
  rules: unknown[];
  overrides: {
    featureKey: string;
    featureId: string;
    priority: number;
    enabled: boolean;
    value: unknown;
    variants: StoredVariant[];
    hashKey: string;
    rolloutPercentage: number | null;
  }[];
}

export interface LoadedIdentityOverride {
  identifier: string;
  featureKey: string;
  enabled: boolean;
  value: unknown;
  hashKey: string;
}

/** Everything evaluation in one environment depends on, read in one consistent pass. */
export interface LoadedEnvironment {
  environment: EnvironmentRow;
  projectName: string;
  features: LoadedFeature[];
  segments: LoadedSegment[];
  identityOverrides: LoadedIdentityOverride[];
}

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/**
 * Reads an environment's whole configuration inside one transaction, so a snapshot never
 * mixes the state before and after a concurrent change. Runs at change time, not per request.
 */
export async function loadEnvironment(
  db: Kysely<Tables>,
  environmentId: string,
): Promise<LoadedEnvironment | undefined> {
  return db.transaction().execute(async (trx) => {
    const environment = await trx
      .selectFrom('environments')
      .selectAll()
      .where('id', '=', environmentId)
      .executeTakeFirst();
    if (!environment) return undefined;
    const project = await trx
      .selectFrom('projects')
      .select('name')
      .where('id', '=', environment.project_id)
      .executeTakeFirstOrThrow();
    const [features, states, segments, overrides, identityOverrides] = await Promise.all([
      trx
        .selectFrom('features')
        .selectAll()
        .where('project_id', '=', environment.project_id)
        .orderBy('number')
        .execute(),
      trx.selectFrom('feature_states').selectAll().where('environment_id', '=', environmentId).execute(),
      trx
        .selectFrom('segments')
        .selectAll()
        .where('project_id', '=', environment.project_id)
        .orderBy('id')
        .execute(),
      trx
        .selectFrom('segment_overrides')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .orderBy('id')
        .execute(),
      trx
        .selectFrom('identity_overrides')
        .innerJoin('identities', 'identities.id', 'identity_overrides.identity_id')
        .select([
          'identities.identifier',
          'identity_overrides.feature_id',
          'identity_overrides.enabled',
          'identity_overrides.value',
          'identity_overrides.hash_key',
        ])
        .where('identities.environment_id', '=', environmentId)
        .orderBy('identities.identifier')
        .execute(),
    ]);
    const stateByFeature = new Map(states.map((s) => [s.feature_id, s]));
    const featureById = new Map(features.map((f) => [f.id, f]));
    const loadedFeatures: LoadedFeature[] = features.map((row) => {
      const state = stateByFeature.get(row.id);
      return {
        row,
        state: state
          ? {
              enabled: state.enabled === 1,
              value: parseJson(state.value),
              variants: JSON.parse(state.variants) as StoredVariant[],
              hashKey: state.hash_key,
              rolloutPercentage: state.rollout_percentage,
            }
          : // A feature created while this environment was being created may lack a state for a moment.
            {
              enabled: row.default_enabled === 1,
              value: parseJson(row.default_value),
              variants: [],
              hashKey: row.id,
              rolloutPercentage: null,
            },
      };
    });
    const loadedSegments: LoadedSegment[] = segments.map((segment) => ({
      id: segment.id,
      name: segment.name,
      hashKey: segment.hash_key,
      rules: JSON.parse(segment.rules) as unknown[],
      overrides: overrides
        .filter((o) => o.segment_id === segment.id && featureById.has(o.feature_id))
        .map((o) => ({
          featureKey: (featureById.get(o.feature_id) as FeatureRow).key,
          featureId: o.feature_id,
          priority: o.priority,
          enabled: o.enabled === 1,
          value: parseJson(o.value),
          variants: JSON.parse(o.variants) as StoredVariant[],
          hashKey: o.hash_key,
          rolloutPercentage: o.rollout_percentage,
        })),
    }));
    return {
      environment,
      projectName: project.name,
      features: loadedFeatures,
      segments: loadedSegments,
      identityOverrides: identityOverrides
        .filter((o) => featureById.has(o.feature_id))
        .map((o) => ({
          identifier: o.identifier,
          featureKey: (featureById.get(o.feature_id) as FeatureRow).key,
          enabled: o.enabled === 1,
          value: parseJson(o.value),
          hashKey: o.hash_key,
        })),
    };
  });
}
