/**
 * Compiling an environment: everything that does not depend on the identity is done once
 * (rules to closures, casts, regexes, IN sets, sorted variants, override tables, the
 * identifier index), so evaluating an identity only runs predicates and builds the result.
 * @module
 */

import type {
  EnvironmentEvaluationContext,
  EvaluationResult,
  FeatureContext,
  FlagResult,
  IdentityContext,
  SegmentContext,
  SegmentResult,
} from './context.js';
import { compileFeature, DEFAULT_REASON, type FlagOutcomes, flagOutcomes, flagResult } from './features.js';
import { FlagTable } from './flag-table.js';
import { EncodedText } from './hash.js';
import { segmentIdentifiers } from './identity-index.js';
import { HashKey } from './pair-hash.js';
import { fillTraits, nextEvaluation, type Scope, traitSlotsOf } from './properties.js';
import { pyStr } from './py-values.js';
import { type CompiledSegment, compileSegment, type Override } from './segments.js';

/**
 * An environment compiled once and evaluated for many identities. Not safe to share between
 * concurrent evaluations that re-enter it (it reuses scratch state); JS never does that.
 * @example
 * const compiled = compile({ environment: { key: 'k', name: 'Prod' }, features, segments });
 * const result = compiled.evaluate({ identifier: 'user-1', traits: { plan: 'pro' } });
 */
export interface CompiledEnvironment {
  /** Exactly `evaluate({ ...context, identity })`. */
  evaluate(identity?: IdentityContext | null): EvaluationResult;
  /**
   * The flag `name` for `identity`: deep-equal to `evaluate(identity).flags[name]`, or undefined
   * when the environment has no feature of that name. Tests only the segments that override
   * that feature, in the order `evaluate` walks them, so it is much cheaper than `evaluate`
   * for one read; its `segments` are not reported.
   * @example
   * const compiled = compile({ environment: { key: 'k', name: 'Prod' }, features, segments });
   * compiled.evaluateFlag('dark_mode', { identifier: 'user-1', traits: { plan: 'pro' } })?.enabled;
   */
  evaluateFlag(name: string, identity?: IdentityContext | null): FlagResult | undefined;
}

/** The segments that override one feature, for `evaluateFlag`; all lists in context order. */
interface FeatureSegments {
  /** Every segment with an override of the feature (for identities without a string identifier). */
  readonly all: readonly number[];
  /** Those among `all` tested one by one. */
  readonly tested: readonly number[];
  /** Those among `all` in the identifier index, by identifier. */
  readonly byIdentifier: ReadonlyMap<string, number[]>;
}

const NO_FEATURE_SEGMENTS: FeatureSegments = { all: [], tested: [], byIdentifier: new Map() };

const EMPTY_TRAITS: Record<string, unknown> = Object.freeze(Object.create(null));
const NO_SEGMENTS: readonly number[] = [];

function addIdentifiers(map: Map<string, number[]>, identifiers: Iterable<string>, index: number): void {
  for (const identifier of identifiers) {
    const list = map.get(identifier);
    if (list) list.push(index);
    else map.set(identifier, [index]);
  }
}

function entries<T>(record: Record<string, T> | undefined): [string, T][] {
  if (typeof record !== 'object' || record === null) return [];
  return Object.entries(record).filter(([, value]) => typeof value === 'object' && value !== null);
}

class Environment implements CompiledEnvironment {
  /** `<environment.key>_`, the start of every defaulted identity key, encoded once. */
  private readonly keyPrefix: EncodedText;
  private readonly table: FlagTable;
  private readonly segments: CompiledSegment[] = [];
  /** Segments tested one by one, in context order. */
  private readonly tested: number[] = [];
  /** Identifier-only segments (see identity-index.ts), by identifier, in context order. */
  private readonly byIdentifier = new Map<string, number[]>();
  private readonly scope: Scope;
  /** Where each trait some condition reads goes in the scope. */
  private readonly traitSlots: ReadonlyMap<string, number>;
  /** Feature index by name; a repeated name maps to its last feature, the one `flags` shows. */
  private readonly featureIndex = new Map<string, number>();
  private readonly features: FlagOutcomes[] = [];
  /** Per feature index, the segments overriding it (NO_FEATURE_SEGMENTS when none). */
  private readonly featureSegments: FeatureSegments[];

  constructor(context: EnvironmentEvaluationContext) {
    this.keyPrefix = new EncodedText(`${pyStr(context.environment?.key)}_`);
    const featureIndex = this.featureIndex;
    const names: string[] = [];
    const features = this.features;
    for (const [slot, feature] of entries<FeatureContext>(context.features)) {
      const name = typeof feature.name === 'string' ? feature.name : slot;
      featureIndex.set(name, features.length);
      names.push(name);
      features.push(flagOutcomes(compileFeature(feature), name, DEFAULT_REASON));
    }
    this.table = new FlagTable(names, features);
    const perFeature: { all: number[]; tested: number[]; byIdentifier: Map<string, number[]> }[] = [];
    for (const [, segment] of entries<SegmentContext>(context.segments)) {
      const compiled = compileSegment(segment, context, featureIndex);
      if (compiled.match === false) continue;
      const index = this.segments.push(compiled) - 1;
      const identifiers = typeof compiled.match === 'function' ? segmentIdentifiers(segment) : undefined;
      if (!identifiers) this.tested.push(index);
      else addIdentifiers(this.byIdentifier, identifiers, index);
      // Each feature this segment overrides lists it once, however many overrides it has.
      for (const feature of new Set(compiled.overrides.map((override) => override.feature))) {
        perFeature[feature] ??= { all: [], tested: [], byIdentifier: new Map() };
        const lists = perFeature[feature];
        lists.all.push(index);
        if (!identifiers) lists.tested.push(index);
        else addIdentifiers(lists.byIdentifier, identifiers, index);
      }
    }
    this.featureSegments = Array.from(features, (_, i) => perFeature[i] ?? NO_FEATURE_SEGMENTS);
    // Made last: its trait memo is sized by the traits the compiled conditions read.
    this.traitSlots = traitSlotsOf(context);
    const traits = this.traitSlots.size;
    this.scope = {
      identity: undefined,
      identifier: undefined,
      key: undefined,
      hashKey: new HashKey(),
      traits: EMPTY_TRAITS,
      evaluation: 0,
      traitValues: new Array(traits).fill(undefined),
      traitStamps: new Float64Array(traits),
    };
  }

  evaluate(identity?: IdentityContext | null): EvaluationResult {
    const scope = this.enter(identity);
    this.table.begin();
    const segments: SegmentResult[] = [];
    const identifier = scope.identifier;
    if (typeof identifier !== 'string') {
      // The index is only exact for string identifiers: test every segment instead.
      for (let i = 0; i < this.segments.length; i++) this.visit(i, scope, segments, true);
    } else {
      const tested = this.tested;
      const indexed = this.byIdentifier.get(identifier) ?? NO_SEGMENTS;
      // Merge the two ordered lists so results and override ties keep context order.
      for (let t = 0, k = 0; t < tested.length || k < indexed.length; ) {
        if (k >= indexed.length || (t < tested.length && tested[t] < indexed[k])) {
          this.visit(tested[t++], scope, segments, true);
        } else {
          this.visit(indexed[k++], scope, segments, false);
        }
      }
    }
    return { flags: this.table.flags(scope.key === undefined ? undefined : scope.hashKey), segments };
  }

  evaluateFlag(name: string, identity?: IdentityContext | null): FlagResult | undefined {
    const feature = this.featureIndex.get(name);
    if (feature === undefined) return undefined;
    const scope = this.enter(identity);
    const lists = this.featureSegments[feature];
    // The same walk as `evaluate`, offering only this feature's overrides: the first one
    // offered takes it, a later one only with a strictly lower priority.
    let winner: Override | undefined;
    const identifier = scope.identifier;
    if (typeof identifier !== 'string') {
      const all = lists.all;
      for (let i = 0; i < all.length; i++) {
        winner = this.offerFor(feature, all[i], scope, true, winner);
        if (winner !== undefined && winner.priority === Number.NEGATIVE_INFINITY) break;
      }
    } else {
      const tested = lists.tested;
      const indexed = lists.byIdentifier.get(identifier) ?? NO_SEGMENTS;
      for (let t = 0, k = 0; t < tested.length || k < indexed.length; ) {
        if (k >= indexed.length || (t < tested.length && tested[t] < indexed[k])) {
          winner = this.offerFor(feature, tested[t++], scope, true, winner);
        } else {
          winner = this.offerFor(feature, indexed[k++], scope, false, winner);
        }
        // Nothing is strictly lower than -Infinity: the rest cannot change the result.
        if (winner !== undefined && winner.priority === Number.NEGATIVE_INFINITY) break;
      }
    }
    return flagResult(
      winner === undefined ? this.features[feature] : winner.outcomes,
      scope.key === undefined ? undefined : scope.hashKey,
    );
  }

  /** `visit` for one feature: the winning override of `feature` after segment `index`. */
  private offerFor(
    feature: number,
    index: number,
    scope: Scope,
    test: boolean,
    winner: Override | undefined,
  ): Override | undefined {
    const segment = this.segments[index];
    if (test) {
      const match = segment.match;
      if (match !== true && (match === false || !match(scope))) return winner;
    }
    const overrides = segment.overrides;
    for (let i = 0; i < overrides.length; i++) {
      const override = overrides[i];
      if (override.feature !== feature) continue;
      if (winner === undefined || override.priority < winner.priority) winner = override;
    }
    return winner;
  }

  private enter(identity: IdentityContext | null | undefined): Scope {
    const scope = this.scope;
    scope.evaluation = nextEvaluation();
    if (typeof identity !== 'object' || identity === null) {
      scope.identity = undefined;
      scope.identifier = undefined;
      scope.key = undefined;
      scope.traits = EMPTY_TRAITS;
      return scope;
    }
    const traits = identity.traits;
    const key = identity.key;
    scope.identity = identity;
    scope.identifier = identity.identifier;
    if (key === undefined || key === null || key === '') {
      scope.hashKey.join(this.keyPrefix, pyStr(identity.identifier));
    } else {
      scope.hashKey.set(pyStr(key));
    }
    scope.key = scope.hashKey.text;
    scope.traits = typeof traits === 'object' && traits !== null ? traits : EMPTY_TRAITS;
    fillTraits(scope, this.traitSlots);
    return scope;
  }

  private visit(index: number, scope: Scope, out: SegmentResult[], test: boolean): void {
    const segment = this.segments[index];
    if (test) {
      const match = segment.match;
      if (match !== true && (match === false || !match(scope))) return;
    }
    out.push(segment.result);
    const overrides = segment.overrides;
    for (let i = 0; i < overrides.length; i++) this.table.offer(overrides[i]);
  }
}

/**
 * Compiles an environment (a context without identity) for fast evaluation of many identities.
 * An `identity` on the context is ignored: pass it to `evaluate`.
 * @example
 * const compiled = compile({ environment: { key: 'k', name: 'Prod' }, features, segments });
 * compiled.evaluate({ identifier: 'user-1' }).flags.dark_mode.enabled;
 */
export function compile(context: EnvironmentEvaluationContext): CompiledEnvironment {
  return new Environment(context);
}
