import { createHash } from 'node:crypto';
import {
  type CompiledEnvironment,
  compile,
  type EvaluationContext,
  type FeatureContext,
  type SegmentContext,
} from '@pennon/engine';
import type { FeatureRow } from '../storage/tables.js';
import type { LoadedEnvironment, LoadedIdentityOverride, StoredVariant } from './environment-loader.js';
import { environmentRolloutSegment, rolloutPlan, segmentRolloutSegment } from './rollouts.js';

export interface FeatureInfo {
  id: string;
  /** Stable per-project integer, the id Flagsmith-compatible APIs expose. */
  number: number;
  key: string;
  type: FeatureRow['type'];
  description: string;
  tags: string[];
  serverKeyOnly: boolean;
}

/**
 * One environment compiled for evaluation: immutable, built once per change, shared by
 * every request and every protocol until the next change replaces it.
 */
export interface EnvironmentSnapshot {
  environmentId: string;
  projectId: string;
  projectName: string;
  clientKey: string;
  name: string;
  hideDisabledFlags: boolean;
  /** Client keys get back only the traits they sent. */
  hideSensitiveData: boolean;
  /** Client keys may store traits. */
  allowClientTraits: boolean;
  /** ISO time of the last change, and the same as epoch seconds (float) for headers. */
  updatedAt: string;
  updatedAtSeconds: number;
  /** Strong validator for the whole configuration; changes whenever `updatedAt` does. */
  etag: string;
  features: ReadonlyMap<string, FeatureInfo>;
  /** The context the engine compiled: every rule, for server keys only. */
  context: EvaluationContext;
  compiled: CompiledEnvironment;
}

/** Identity overrides rank above every segment override. */
export const IDENTITY_OVERRIDE_PRIORITY = Number.NEGATIVE_INFINITY;
export const IDENTITY_OVERRIDE_SEGMENT_NAME = 'identity_overrides';
export const IDENTITY_OVERRIDE_SOURCE = 'identity_override';

export function buildSnapshot(loaded: LoadedEnvironment): EnvironmentSnapshot {
  const { environment } = loaded;
  const features = new Map<string, FeatureInfo>();
  // Without a prototype, so a feature keyed `__proto__` is a feature, not the record's prototype.
  const featureContexts: Record<string, FeatureContext> = Object.create(null);
  const rollouts: SegmentContext[] = [];
  for (const { row, state } of loaded.features) {
    const info: FeatureInfo = {
      id: row.id,
      number: row.number,
      key: row.key,
      type: row.type,
      description: row.description,
      tags: JSON.parse(row.tags) as string[],
      serverKeyOnly: row.server_key_only === 1,
    };
    features.set(row.key, info);
    const full = featureContext(info, state.hashKey, state.enabled, state.value, state.variants);
    const plan = state.enabled ? rolloutPlan(state.rolloutPercentage) : 'everyone';
    featureContexts[row.key] = plan === 'everyone' ? full : { ...full, enabled: false };
    if (plan === 'split') rollouts.push(environmentRolloutSegment(full, state.rolloutPercentage as number));
  }
  const segments: Record<string, SegmentContext> = {};
  for (const segment of loaded.segments) {
    const context: SegmentContext = {
      key: segment.hashKey,
      name: segment.name,
      rules: segment.rules as SegmentContext['rules'],
      overrides: [],
      metadata: { id: segment.id },
    };
    // A rolled-out override sits in a segment of its own right after this one, so ties
    // between equal priorities still break in this segment's place.
    const split: SegmentContext[] = [];
    for (const o of segment.overrides) {
      const info = features.get(o.featureKey);
      if (!info) continue;
      const override = {
        ...featureContext(info, o.hashKey, o.enabled, o.value, o.variants),
        priority: o.priority,
      };
      const plan = rolloutPlan(o.rolloutPercentage);
      if (plan === 'everyone') context.overrides?.push(override);
      else if (plan === 'split') {
        const rollout = segmentRolloutSegment(context, override, o.rolloutPercentage as number);
        if (rollout) split.push(rollout);
      }
    }
    segments[context.key] = context;
    for (const rollout of split) segments[rollout.key] = rollout;
  }
  for (const rollout of rollouts) segments[rollout.key] = rollout;
  Object.assign(segments, identityOverrideSegments(loaded.identityOverrides, features));

  const context: EvaluationContext = {
    environment: { key: environment.client_key, name: environment.name },
    features: featureContexts,
    segments,
  };
  const updatedAtMs = Date.parse(environment.updated_at);
  return {
    environmentId: environment.id,
    projectId: environment.project_id,
    projectName: loaded.projectName,
    clientKey: environment.client_key,
    name: environment.name,
    hideDisabledFlags: environment.hide_disabled_flags === 1,
    hideSensitiveData: environment.hide_sensitive_data === 1,
    allowClientTraits: environment.allow_client_traits === 1,
    updatedAt: environment.updated_at,
    updatedAtSeconds: updatedAtMs / 1000,
    etag: snapshotEtag(environment.id, environment.updated_at),
    features,
    context,
    compiled: compile(context),
  };
}

/**
 * The strong validator of an environment's state: a function of its id and last change only,
 * so every process holding that state (servers, edges) hands out the same ETag.
 */
export function snapshotEtag(environmentId: string, updatedAt: string): string {
  const digest = createHash('sha1').update(`${environmentId}@${updatedAt}`).digest('base64url');
  return `"${digest.slice(0, 20)}"`;
}

function featureContext(
  info: FeatureInfo,
  hashKey: string,
  enabled: boolean,
  value: unknown,
  variants: StoredVariant[],
): FeatureContext {
  const context: FeatureContext = {
    key: hashKey,
    name: info.key,
    enabled,
    // A boolean feature's value is its enabled state; it carries no value of its own.
    value: info.type === 'boolean' ? null : (value as FeatureContext['value']),
    metadata: { id: info.number },
  };
  if (variants.length > 0) {
    context.variants = variants.map((v) => ({
      key: v.key,
      value: v.value as FeatureContext['value'],
      weight: v.weight,
      priority: v.priority,
    }));
  }
  return context;
}

/**
 * Identity overrides become segments matching `$.identity.identifier`, one per distinct set
 * of overrides (identities sharing a set share a segment), as Flagsmith's engine maps them.
 * The compiled engine finds them by identifier lookup, not by scanning.
 */
function identityOverrideSegments(
  overrides: LoadedIdentityOverride[],
  features: ReadonlyMap<string, FeatureInfo>,
): Record<string, SegmentContext> {
  const byIdentifier = new Map<string, LoadedIdentityOverride[]>();
  for (const o of overrides) {
    if (!features.has(o.featureKey)) continue;
    const list = byIdentifier.get(o.identifier) ?? [];
    list.push(o);
    byIdentifier.set(o.identifier, list);
  }
  const groups = new Map<string, { identifiers: string[]; overrides: LoadedIdentityOverride[] }>();
  for (const [identifier, list] of byIdentifier) {
    list.sort((a, b) => (a.featureKey < b.featureKey ? -1 : a.featureKey > b.featureKey ? 1 : 0));
    const signature = JSON.stringify(list.map((o) => [o.featureKey, o.enabled, o.value]));
    const group = groups.get(signature) ?? { identifiers: [], overrides: list };
    group.identifiers.push(identifier);
    groups.set(signature, group);
  }
  const segments: Record<string, SegmentContext> = {};
  let index = 0;
  for (const { identifiers, overrides: list } of groups.values()) {
    const key = `identity_override_${index++}`;
    segments[key] = {
      key,
      name: IDENTITY_OVERRIDE_SEGMENT_NAME,
      rules: [
        {
          type: 'ALL',
          // A JSON array, not CSV: identifiers may contain commas.
          conditions: [
            { property: '$.identity.identifier', operator: 'IN', value: JSON.stringify(identifiers) },
          ],
        },
      ],
      overrides: list.map((o) => ({
        ...featureContext(features.get(o.featureKey) as FeatureInfo, o.hashKey, o.enabled, o.value, []),
        priority: IDENTITY_OVERRIDE_PRIORITY,
      })),
      metadata: { source: IDENTITY_OVERRIDE_SOURCE },
    };
  }
  return segments;
}
