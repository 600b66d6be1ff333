import type { EvaluationResult, FlagResult } from '@pennon/engine';
import { SEGMENT_REASON_PREFIX } from '@pennon/engine';
import type { EnvironmentKey } from '../auth/environment-keys.js';
import { unavailable } from '../errors.js';
import type { EnvironmentSnapshot, FeatureInfo } from './snapshot.js';

export type TraitValue = string | number | boolean;

export interface TraitInput {
  key: string;
  /** null deletes a stored trait. */
  value: TraitValue | null;
  /** Used for this evaluation only, never stored. */
  transient?: boolean;
}

export interface IdentityRequest {
  identifier: string;
  traits?: TraitInput[];
  /** The whole identity is used for this evaluation only: nothing is read or written. */
  transient?: boolean;
}

/** What the evaluation layer needs from identity storage, and nothing more. */
export interface IdentityStore {
  loadForEvaluation(
    environmentId: string,
    identifier: string,
  ): Promise<{ identifier: string; traits: Record<string, TraitValue> } | undefined>;
  identifyAndStoreTraits(
    environmentId: string,
    identifier: string,
    traits: { key: string; value: TraitValue | null }[],
  ): Promise<{ identifier: string; traits: Record<string, TraitValue> }>;
}

/**
 * Where compiled snapshots come from: the database (`SnapshotCache`, in `pennon serve`) or
 * documents followed from an upstream server (`pennon edge`). Evaluation is the same either way.
 */
export interface SnapshotSource {
  /** The current snapshot, or undefined when the environment does not exist. */
  get(environmentId: string): Promise<EnvironmentSnapshot | undefined>;
  /**
   * The current snapshot when it is already built, without waiting: what `get` would resolve
   * to, or undefined when `get` has something to wait for. Lets the hot path skip a promise.
   */
  ready?(environmentId: string): EnvironmentSnapshot | undefined;
  close(): void;
}

export interface EvaluatedFlag {
  feature: FeatureInfo;
  result: FlagResult;
}

export interface Evaluation {
  snapshot: EnvironmentSnapshot;
  /** Flags this key may see, in feature order. */
  flags: EvaluatedFlag[];
  /** Traits the evaluation used: stored merged with given, transient included. */
  traits: Record<string, TraitValue>;
  /**
   * The traits this key may be shown (DESIGN.md §7): all of `traits` for a server key; for a
   * client key in an environment with `hide_sensitive_data`, only those its request sent.
   */
  visibleTraits: Record<string, TraitValue>;
  identifier?: string;
}

/**
 * The one place flags are evaluated for requests. Every protocol adapter maps its request to
 * `evaluate` and the answer to its own response shape; none evaluates on its own.
 */
export class EvaluationService {
  private readonly anonymous = new WeakMap<
    EnvironmentSnapshot,
    Partial<Record<EnvironmentKey['kind'], Evaluation>>
  >();
  private identityStore?: IdentityStore;

  constructor(private readonly snapshots: SnapshotSource) {}

  /** Identity storage arrives after construction because its service is built by its own domain. */
  useIdentityStore(store: IdentityStore): void {
    this.identityStore = store;
  }

  async snapshot(environmentId: string): Promise<EnvironmentSnapshot> {
    const snapshot = this.snapshots.ready?.(environmentId) ?? (await this.snapshots.get(environmentId));
    // The key resolved a moment ago, so the environment was deleted in between.
    if (!snapshot) throw unavailable('The environment is no longer available.');
    return snapshot;
  }

  /**
   * Evaluates every flag the key may see, for no identity or for one identity. Persistent
   * identities are created on first sight and their non-transient traits stored; transient
   * identities and transient traits never reach storage.
   */
  async evaluate(key: EnvironmentKey, identity?: IdentityRequest): Promise<Evaluation> {
    // Every SDK request comes here: while the snapshot is built and the identity transient,
    // nothing is awaited.
    const now = this.evaluateNow(key, identity);
    if (now) return now;
    const snapshot = await this.snapshot(key.environmentId);
    if (!identity) return this.anonymousEvaluation(snapshot, key.kind);
    // A client key stores traits only where the environment allows it; otherwise they count
    // for this evaluation alone, over the stored ones.
    const mayStore = key.kind === 'server' || snapshot.allowClientTraits;
    const traits = identity.transient
      ? transientTraits(identity.traits)
      : await this.resolveStoredTraits(key.environmentId, identity, mayStore);
    return this.evaluated(snapshot, key, identity, traits);
  }

  /**
   * `evaluate` when it has nothing to wait for: the snapshot is built and the identity, if
   * any, is transient (nothing to read or write). Undefined otherwise; call `evaluate`.
   */
  evaluateNow(key: EnvironmentKey, identity?: IdentityRequest): Evaluation | undefined {
    const snapshot = this.snapshots.ready?.(key.environmentId);
    if (!snapshot) return undefined;
    if (!identity) return this.anonymousEvaluation(snapshot, key.kind);
    if (!identity.transient) return undefined;
    return this.evaluated(snapshot, key, identity, transientTraits(identity.traits));
  }

  private evaluated(
    snapshot: EnvironmentSnapshot,
    key: EnvironmentKey,
    identity: IdentityRequest,
    traits: Record<string, TraitValue>,
  ): Evaluation {
    const result: EvaluationResult = snapshot.compiled.evaluate({ identifier: identity.identifier, traits });
    const hideStored = key.kind === 'client' && snapshot.hideSensitiveData;
    return {
      snapshot,
      flags: visibleFlags(snapshot, result, key.kind),
      traits,
      visibleTraits: hideStored ? sentTraits(traits, identity.traits ?? []) : traits,
      identifier: identity.identifier,
    };
  }

  close(): void {
    this.snapshots.close();
  }

  /**
   * Without an identity the answer depends only on the snapshot and the key's kind, so it is
   * computed once per snapshot; callers MUST treat the result as immutable.
   */
  private anonymousEvaluation(snapshot: EnvironmentSnapshot, kind: EnvironmentKey['kind']): Evaluation {
    let byKind = this.anonymous.get(snapshot);
    if (!byKind) {
      byKind = {};
      this.anonymous.set(snapshot, byKind);
    }
    byKind[kind] ??= Object.freeze({
      snapshot,
      flags: visibleFlags(snapshot, snapshot.compiled.evaluate(), kind),
      traits: {},
      visibleTraits: {},
    });
    return byKind[kind];
  }

  /** The traits of a stored identity: read, or written and read, merged with the given ones. */
  private async resolveStoredTraits(
    environmentId: string,
    identity: IdentityRequest,
    mayStore: boolean,
  ): Promise<Record<string, TraitValue>> {
    const given = identity.traits ?? [];
    // fromEntries defines own properties, so a trait named `__proto__` is a trait like any other.
    const transientTraits: Record<string, TraitValue> = Object.fromEntries(
      given.filter((t) => t.transient && t.value !== null).map((t) => [t.key, t.value as TraitValue]),
    );
    const store = this.identityStore;
    if (!store) throw unavailable('Identity storage is not configured.');
    if (!mayStore) {
      const stored = await store.loadForEvaluation(environmentId, identity.identifier);
      const merged: Record<string, TraitValue> = { ...stored?.traits };
      // A null would delete the stored trait: for this evaluation, it is absent.
      for (const t of given) if (!t.transient && t.value === null) delete merged[t.key];
      const sent = given.filter((t) => !t.transient && t.value !== null).map((t) => [t.key, t.value]);
      return { ...merged, ...Object.fromEntries(sent), ...transientTraits };
    }
    const toStore = given.filter((t) => !t.transient).map(({ key, value }) => ({ key, value }));
    let stored =
      toStore.length === 0 ? await store.loadForEvaluation(environmentId, identity.identifier) : undefined;
    stored ??= await store.identifyAndStoreTraits(environmentId, identity.identifier, toStore);
    return { ...stored.traits, ...transientTraits };
  }
}

/**
 * The given traits of a transient identity, as the record the engine reads; a null value (a
 * deletion, meaningless here) leaves the trait out. One loop: this runs on every request.
 */
function transientTraits(given: readonly TraitInput[] | undefined): Record<string, TraitValue> {
  const traits: Record<string, TraitValue> = {};
  if (given === undefined) return traits;
  for (let i = 0; i < given.length; i++) {
    const { key, value } = given[i];
    if (value !== null) setOwn(traits, key, value);
  }
  return traits;
}

/** The traits the request itself sent, with the values the evaluation used. */
function sentTraits(
  traits: Record<string, TraitValue>,
  given: readonly TraitInput[],
): Record<string, TraitValue> {
  const sent: Record<string, TraitValue> = {};
  for (let i = 0; i < given.length; i++) {
    const { key } = given[i];
    if (Object.hasOwn(traits, key)) setOwn(sent, key, traits[key] as TraitValue);
  }
  return sent;
}

/**
 * `record[key] = value` as an own property whatever the key: assigning `__proto__` would set
 * the prototype instead, so that one key is defined (clients may name a trait anything).
 */
function setOwn(record: Record<string, TraitValue>, key: string, value: TraitValue): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}

/** Per snapshot, the features each kind of key may see, in feature order. */
const visibleFeatures = new WeakMap<EnvironmentSnapshot, Record<EnvironmentKey['kind'], FeatureInfo[]>>();

function featuresFor(snapshot: EnvironmentSnapshot, kind: EnvironmentKey['kind']): FeatureInfo[] {
  let byKind = visibleFeatures.get(snapshot);
  if (!byKind) {
    const all = [...snapshot.features.values()];
    byKind = { server: all, client: all.filter((feature) => !feature.serverKeyOnly) };
    visibleFeatures.set(snapshot, byKind);
  }
  return byKind[kind];
}

function visibleFlags(
  snapshot: EnvironmentSnapshot,
  result: EvaluationResult,
  kind: EnvironmentKey['kind'],
): EvaluatedFlag[] {
  const features = featuresFor(snapshot, kind);
  const flags: EvaluatedFlag[] = [];
  const results = result.flags;
  for (let i = 0; i < features.length; i++) {
    const feature = features[i];
    const flag = results[feature.key];
    if (!flag) continue;
    if (snapshot.hideDisabledFlags && !flag.enabled) continue;
    flags.push({ feature, result: kind === 'client' ? withoutSegmentName(flag) : flag });
  }
  return flags;
}

const redacted = new WeakMap<FlagResult, FlagResult>();

/**
 * A client key never learns which segments exist (DESIGN.md §7), so its reasons say that a
 * segment matched, not which. Results are shared per outcome, and so are their redactions.
 */
function withoutSegmentName(result: FlagResult): FlagResult {
  if (!result.reason.startsWith(SEGMENT_REASON_PREFIX)) return result;
  let copy = redacted.get(result);
  if (!copy) {
    copy = Object.freeze({ ...result, reason: 'TARGETING_MATCH' });
    redacted.set(result, copy);
  }
  return copy;
}
