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
import { segmentIdentifiers } from './identity-index.js';
import type { Scope } from './properties.js';
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
}

const EMPTY_TRAITS: Record<string, unknown> = Object.freeze(Object.create(null));
const NO_SEGMENTS: readonly number[] = [];

function entries<T>(record: Record<string, T> | undefined): [string, T][] {
  if (typeof record !== 'object' || record === null) return [];
  return Object.entries(record).filter(([, value]) => typeof value === 'object' && value !== null);
}

class Environment implements CompiledEnvironment {
  private readonly environmentKey: string;
  private readonly names: string[] = [];
  /** Each feature's own outcomes, when no segment overrides it. */
  private readonly features: FlagOutcomes[] = [];
  private readonly segments: CompiledSegment[] = [];
  /** Segments tested one by one, in context order. */
  private readonly tested: number[] = [];
  /** Identifier-only segments (see identity-index.ts), by identifier, in context order. */
  private readonly byIdentifier = new Map<string, number[]>();
  private readonly scope: Scope = {
    identity: undefined,
    identifier: undefined,
    key: undefined,
    traits: EMPTY_TRAITS,
  };
  // Winning override per feature; an entry counts only if stamped with the current generation.
  private readonly winner: (Override | undefined)[];
  private readonly winnerPriority: Float64Array;
  private readonly winnerGeneration: Uint32Array;
  private generation = 0;

  constructor(context: EnvironmentEvaluationContext) {
    this.environmentKey = pyStr(context.environment?.key);
    const featureIndex = new Map<string, number>();
    for (const [slot, feature] of entries<FeatureContext>(context.features)) {
      const name = typeof feature.name === 'string' ? feature.name : slot;
      featureIndex.set(name, this.features.length);
      this.names.push(name);
      this.features.push(flagOutcomes(compileFeature(feature), name, DEFAULT_REASON));
    }
    this.winner = new Array(this.features.length).fill(undefined);
    this.winnerPriority = new Float64Array(this.features.length);
    this.winnerGeneration = new Uint32Array(this.features.length);
    for (const [, segment] of entries<SegmentContext>(context.segments)) {
      const compiled = compileSegment(segment, context, featureIndex);
      if (compiled.match === false) continue;
      const index = this.segments.push(compiled) - 1;
      const identifiers = typeof compiled.match === 'function' ? segmentIdentifiers(segment) : undefined;
      if (!identifiers) {
        this.tested.push(index);
        continue;
      }
      for (const identifier of identifiers) {
        const list = this.byIdentifier.get(identifier);
        if (list) list.push(index);
        else this.byIdentifier.set(identifier, [index]);
      }
    }
  }

  evaluate(identity?: IdentityContext | null): EvaluationResult {
    const scope = this.enter(identity);
    const generation = this.nextGeneration();
    const segments: SegmentResult[] = [];
    const identifier = scope.identifier;
    if (typeof identifier !== 'string') {
      // The index is only exact for string identifiers: test every segment instead.
      for (let i = 0; i < this.segments.length; i++) this.visit(i, scope, generation, segments, true);
    } else {
      const tested = this.tested;
      const indexed = this.byIdentifier.get(identifier) ?? NO_SEGMENTS;
      // Merge the two ordered lists so results and override ties keep context order.
      for (let t = 0, k = 0; t < tested.length || k < indexed.length; ) {
        if (k >= indexed.length || (t < tested.length && tested[t] < indexed[k])) {
          this.visit(tested[t++], scope, generation, segments, true);
        } else {
          this.visit(indexed[k++], scope, generation, segments, false);
        }
      }
    }
    return { flags: this.flags(scope.key, generation), segments };
  }

  private enter(identity: IdentityContext | null | undefined): Scope {
    const scope = this.scope;
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
    scope.key =
      key === undefined || key === null || key === ''
        ? `${this.environmentKey}_${pyStr(identity.identifier)}`
        : pyStr(key);
    scope.traits = typeof traits === 'object' && traits !== null ? traits : EMPTY_TRAITS;
    return scope;
  }

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.winnerGeneration.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  private visit(index: number, scope: Scope, generation: number, out: SegmentResult[], test: boolean): void {
    const segment = this.segments[index];
    if (test) {
      const match = segment.match;
      if (match !== true && (match === false || !match(scope))) return;
    }
    out.push(
      segment.metadata === undefined
        ? { name: segment.name }
        : { name: segment.name, metadata: segment.metadata },
    );
    const overrides = segment.overrides;
    for (let i = 0; i < overrides.length; i++) {
      const override = overrides[i];
      const feature = override.feature;
      // Strictly lower priority wins; on a tie the earlier segment keeps the feature.
      if (this.winnerGeneration[feature] !== generation || override.priority < this.winnerPriority[feature]) {
        this.winnerGeneration[feature] = generation;
        this.winnerPriority[feature] = override.priority;
        this.winner[feature] = override;
      }
    }
  }

  private flags(identityKey: string | undefined, generation: number): Record<string, FlagResult> {
    const flags: Record<string, FlagResult> = {};
    const { names, features, winner, winnerGeneration } = this;
    for (let i = 0; i < features.length; i++) {
      const override = winnerGeneration[i] === generation ? winner[i] : undefined;
      flags[names[i]] =
        override === undefined
          ? flagResult(features[i], identityKey)
          : flagResult(override.outcomes, identityKey);
    }
    return flags;
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
