import type { FeatureContext, SegmentContext } from '@pennon/engine';
import { type EnvironmentSnapshot, type FeatureInfo, IDENTITY_OVERRIDE_SOURCE } from '../snapshot.js';
import { flagsmithValue } from './flagsmith-flags.js';

const documents = new WeakMap<EnvironmentSnapshot, string>();

/**
 * The environment document as Flagsmith's `/api/v1/environment-document/` serves it, so
 * Flagsmith's server SDKs evaluate locally and agree with us. Derived from the compiled
 * snapshot's context (one source of truth) and serialised once per snapshot.
 *
 * Hashing seeds carry over exactly: a feature state's hash key is its `django_id` when numeric
 * (imported from Flagsmith) and its `featurestate_uuid` otherwise, which is what Flagsmith's
 * engine hashes with; a segment's hash key is its `id`; a variant's priority is its `id`.
 */
export function flagsmithDocument(snapshot: EnvironmentSnapshot): string {
  let text = documents.get(snapshot);
  if (text === undefined) {
    text = JSON.stringify(buildDocument(snapshot));
    documents.set(snapshot, text);
  }
  return text;
}

function buildDocument(snapshot: EnvironmentSnapshot) {
  const { context } = snapshot;
  const feature = (name: string) => snapshot.features.get(name) as FeatureInfo;
  const segments: SegmentContext[] = Object.values(context.segments ?? {});
  const identityOverrides = [];
  for (const segment of segments.filter((s) => s.metadata?.source === IDENTITY_OVERRIDE_SOURCE)) {
    const identifiers = JSON.parse(String(segment.rules[0]?.conditions?.[0]?.value ?? '[]')) as string[];
    for (const identifier of identifiers) {
      identityOverrides.push({
        identifier,
        identity_uuid: null,
        environment_api_key: snapshot.clientKey,
        identity_traits: [],
        identity_features: (segment.overrides ?? []).map((o) => featureState(feature(o.name), o)),
      });
    }
  }
  return {
    id: snapshot.environmentId,
    api_key: snapshot.clientKey,
    name: snapshot.name,
    updated_at: snapshot.updatedAt,
    // Our engine hashes `<environment key>_<identifier>`; SDKs on older Flagsmith engines read
    // this flag to hash the same way instead of by a database id.
    use_identity_composite_key_for_hashing: true,
    use_identity_overrides_in_local_eval: true,
    hide_disabled_flags: snapshot.hideDisabledFlags,
    allow_client_traits: snapshot.allowClientTraits,
    hide_sensitive_data: snapshot.hideSensitiveData,
    project: {
      id: snapshot.projectId,
      name: snapshot.projectName,
      organisation: {
        id: snapshot.projectId,
        name: '',
        feature_analytics: false,
        stop_serving_flags: false,
        persist_trait_data: true,
      },
      hide_disabled_flags: snapshot.hideDisabledFlags,
      server_key_only_feature_ids: [...snapshot.features.values()]
        .filter((f) => f.serverKeyOnly)
        .map((f) => f.number),
      segments: segments
        .filter((s) => s.metadata?.source !== IDENTITY_OVERRIDE_SOURCE)
        .map((segment) => ({
          id: numericOr(segment.key),
          name: segment.name,
          rules: segment.rules.map(rule),
          feature_states: (segment.overrides ?? []).map((o) => ({
            ...featureState(feature(o.name), o),
            feature_segment: { priority: o.priority ?? null },
          })),
        })),
    },
    feature_states: Object.values(context.features ?? {}).map((f) => featureState(feature(f.name), f)),
    identity_overrides: identityOverrides,
  };
}

type Rule = SegmentContext['rules'][number];

function rule(r: Rule): unknown {
  return {
    type: r.type,
    conditions: (r.conditions ?? []).map((c) => ({
      operator: c.operator,
      property_: c.property,
      value: conditionValue(c.value),
    })),
    rules: (r.rules ?? []).map(rule),
  };
}

/**
 * Flagsmith's documents hold every condition value as text, and its importers (ours too)
 * refuse anything else. An IN list becomes comma-separated text, or a JSON array when commas
 * could not say it (an empty list, an item with a comma, text that would read as JSON); both
 * engines read both forms.
 */
function conditionValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) return typeof value === 'string' ? value : JSON.stringify(value);
  const items = value.map(String);
  const csv = items.join(',');
  const ambiguous =
    items.length === 0 || items.some((item) => item.includes(',')) || /^[ \t\n\r]*\[/.test(csv);
  return ambiguous ? JSON.stringify(items) : csv;
}

function featureState(info: FeatureInfo, state: FeatureContext) {
  const variants = state.variants ?? [];
  const numeric = /^\d+$/.test(state.key);
  return {
    feature: { id: info.number, name: info.key, type: variants.length > 0 ? 'MULTIVARIATE' : 'STANDARD' },
    enabled: state.enabled,
    feature_state_value: flagsmithValue(info, state.value),
    django_id: numeric ? Number(state.key) : null,
    featurestate_uuid: numeric ? null : state.key,
    multivariate_feature_state_values: variants.map((v) => ({
      id: v.priority,
      multivariate_feature_option: option(v, flagsmithValue(info, v.value)),
      percentage_allocation: v.weight,
      mv_fs_value_uuid: null,
    })),
  };
}

/**
 * A variant imported from Flagsmith is named after its option id and gives that id back; one
 * named in Pennon keeps its name in a `key` field that Flagsmith's SDKs ignore and our
 * importer reads, so export and import give the same variants.
 */
function option(variant: NonNullable<FeatureContext['variants']>[number], value: unknown) {
  const imported = /^option-(\d+)$/.exec(String(variant.key ?? ''));
  if (imported) return { id: Number(imported[1]), value };
  return { id: variant.priority, value, key: variant.key };
}

function numericOr(key: string): number | string {
  return /^\d+$/.test(key) ? Number(key) : key;
}
