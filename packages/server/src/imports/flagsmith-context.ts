import type { EvaluationContext } from '@pennon/engine';
import type { LoadedEnvironment, LoadedFeature } from '../evaluation/environment-loader.js';
import { buildSnapshot } from '../evaluation/snapshot.js';
import type { FeatureRow } from '../storage/tables.js';
import type { FlagsmithEnvironmentDocument, FlagsmithFeatureState } from './flagsmith-document.schema.js';
import {
  featureTypes,
  importedRule,
  importedValue,
  importedVariants,
  inferType,
  stateHashKey,
} from './flagsmith-mapping.js';

/**
 * The evaluation context a Flagsmith environment document stands for, without a database:
 * the document goes through the import's own mapping into what the environment loader would
 * read back after an import, then through the snapshot builder the server evaluates with. So
 * `pennon eval` on a Flagsmith document answers exactly as the server would after importing it.
 */
export function flagsmithEvaluationContext(document: FlagsmithEnvironmentDocument): EvaluationContext {
  return buildSnapshot(flagsmithLoadedEnvironment(document)).context;
}

const EPOCH = new Date(0).toISOString();

function flagsmithLoadedEnvironment(document: FlagsmithEnvironmentDocument): LoadedEnvironment {
  const types = featureTypes(document);
  const features = new Map<string, LoadedFeature>();
  const row = (state: FlagsmithFeatureState): FeatureRow => ({
    id: `flagsmith-feature-${state.feature.id}`,
    project_id: 'flagsmith',
    key: state.feature.name,
    type: types.get(state.feature.name) ?? inferType([state]),
    description: '',
    tags: '[]',
    server_key_only: 0,
    default_enabled: 0,
    default_value: null,
    number: state.feature.id,
    created_at: EPOCH,
    updated_at: EPOCH,
  });
  for (const state of document.feature_states) {
    const feature = row(state);
    features.set(feature.key, {
      row: feature,
      state: {
        enabled: state.enabled,
        value: importedValue(feature.type, state.feature_state_value),
        variants: importedVariants(feature.type, state),
        hashKey: stateHashKey(state),
        // Flagsmith documents express rollouts as segments, never on a state.
        rolloutPercentage: null,
      },
    });
  }
  // As the import does: a feature only a segment overrides exists, off, in this environment.
  for (const segment of document.project.segments ?? []) {
    for (const state of segment.feature_states ?? []) {
      if (features.has(state.feature.name)) continue;
      const feature = row(state);
      features.set(feature.key, {
        row: feature,
        state: { enabled: false, value: null, variants: [], hashKey: feature.id, rolloutPercentage: null },
      });
    }
  }
  const typeOf = (name: string) => (features.get(name) as LoadedFeature).row.type;
  const environmentFeatures = new Set(document.feature_states.map((state) => state.feature.name));
  return {
    projectName: document.project.name,
    environment: {
      id: `flagsmith-${document.api_key}`,
      project_id: 'flagsmith',
      key: 'imported',
      name: document.name || 'Imported',
      client_key: document.api_key,
      hide_disabled_flags: document.project.hide_disabled_flags ? 1 : 0,
      hide_sensitive_data: document.hide_sensitive_data === false ? 0 : 1,
      allow_client_traits: document.allow_client_traits === false ? 0 : 1,
      requires_approval: null,
      created_at: EPOCH,
      updated_at: EPOCH,
    },
    features: [...features.values()],
    segments: (document.project.segments ?? []).map((segment) => ({
      id: String(segment.id),
      name: segment.name,
      hashKey: String(segment.id),
      rules: segment.rules.map(importedRule),
      overrides: (segment.feature_states ?? []).map((state) => ({
        featureKey: state.feature.name,
        featureId: (features.get(state.feature.name) as LoadedFeature).row.id,
        priority: state.feature_segment?.priority ?? 0,
        enabled: state.enabled,
        value: importedValue(typeOf(state.feature.name), state.feature_state_value),
        variants: importedVariants(typeOf(state.feature.name), state),
        hashKey: stateHashKey(state),
        rolloutPercentage: null,
      })),
    })),
    // Sorted by identifier, as the loader reads them: it decides how override segments are numbered.
    identityOverrides: (document.identity_overrides ?? [])
      .flatMap((identity) =>
        (identity.identity_features ?? [])
          // An override of a feature the document does not define has nothing to override.
          .filter((state) => environmentFeatures.has(state.feature.name))
          .map((state) => ({
            identifier: identity.identifier,
            featureKey: state.feature.name,
            enabled: state.enabled,
            value: importedValue(typeOf(state.feature.name), state.feature_state_value),
            hashKey: stateHashKey(state),
          })),
      )
      .sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0)),
  };
}
