import { invalid } from '../errors.js';
import type { FlagsmithEnvironmentDocument, FlagsmithFeatureState } from './flagsmith-document.schema.js';

/**
 * What a Flagsmith document must not hold for the import to mean anything, checked before
 * anything is written: one segment (segments of one name become one) or one identity
 * overriding a feature twice. Storage could keep only one, and which one would be arbitrary.
 */
export function checkFlagsmithDocument(document: FlagsmithEnvironmentDocument): void {
  checkClientKey(document.api_key);
  const segmentStates = new Map<string, { state: FlagsmithFeatureState; at: string }[]>();
  (document.project.segments ?? []).forEach((segment, s) => {
    const states = segmentStates.get(segment.name) ?? [];
    (segment.feature_states ?? []).forEach((state, f) => {
      states.push({ state, at: `project.segments[${s}].feature_states[${f}]` });
    });
    segmentStates.set(segment.name, states);
  });
  for (const [name, states] of segmentStates)
    refuseRepeats(`Segment '${name}'`, 'duplicate_segment_override', states);
  (document.identity_overrides ?? []).forEach((identity, i) => {
    const states = (identity.identity_features ?? []).map((state, f) => ({
      state,
      at: `identity_overrides[${i}].identity_features[${f}]`,
    }));
    refuseRepeats(`Identity '${identity.identifier}'`, 'duplicate_identity_override', states);
  });
}

/**
 * The `api_key` becomes the environment's public client key, which travels in headers and
 * URLs: only URL-safe characters, and never a prefix that marks another kind of key.
 */
function checkClientKey(key: string): void {
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(key) || key.startsWith('ser.') || key.startsWith('pat_')) {
    throw invalid(
      'invalid_api_key',
      'api_key must be 8 to 200 letters, digits, "-" or "_" (a Flagsmith client key); it becomes the client key.',
    );
  }
}

function refuseRepeats(
  owner: string,
  code: string,
  states: { state: FlagsmithFeatureState; at: string }[],
): void {
  const seen = new Map<string, { state: FlagsmithFeatureState; at: string }>();
  for (const entry of states) {
    const feature = entry.state.feature.name;
    const first = seen.get(feature);
    if (first) {
      throw invalid(
        code,
        `${owner} overrides feature '${feature}' twice: ${describe(first)} and ${describe(entry)}. ` +
          'Keep one of them and import again; nothing was imported.',
        { feature, feature_states: [first.at, entry.at] },
      );
    }
    seen.set(feature, entry);
  }
}

/** Where a feature state sits in the document, with Flagsmith's own id when it has one. */
function describe({ state, at }: { state: FlagsmithFeatureState; at: string }): string {
  const id = state.featurestate_uuid ?? state.django_id;
  return id === undefined || id === null ? at : `${at} (feature state ${id})`;
}
