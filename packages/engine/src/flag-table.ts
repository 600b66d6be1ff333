/**
 * The flags of one evaluation: which override wins each feature, and the result object.
 *
 * Most flags are the same for every identity (no variants, no segment overrides them), so
 * their results are laid out once in a template; each evaluation clones the template (V8
 * copies a fast-properties object's shape and slots in one step) and writes only the flags
 * that can differ: multivariate ones and those overridden this time. Winning overrides are tracked in
 * typed arrays stamped with a generation number, so nothing is cleared between evaluations. The
 * flags that need a hash of the identity key are gathered first and hashed two at a time.
 * @module
 */

import type { FlagResult } from './context.js';
import { type FlagOutcomes, flagResult, splitResult } from './features.js';
import { type HashKey, type HashSeed, seededPercentages } from './pair-hash.js';
import type { Override } from './segments.js';

/**
 * Past this many flags, cloning stops paying: V8 keeps bigger objects in dictionary mode, and
 * spreading a dictionary is slower than assigning every flag (measured on Node 20: the clone
 * is 3-4x faster at 50 to 500 flags, slower from 1,000).
 */
const TEMPLATE_LIMIT = 500;

/**
 * The flags' results when nothing overrides them and no split decides, or undefined when the
 * clone-and-patch path would not be exact or fast.
 */
function templateOf(names: readonly string[], features: readonly FlagOutcomes[]) {
  if (names.length > TEMPLATE_LIMIT) return undefined;
  // Writing only some names is exact only if every name is its own property: not when two
  // features share a name (the later one must win).
  if (new Set(names).size !== names.length) return undefined;
  // Object.fromEntries gives fast properties; assigning keys one by one to `{}` does not. It
  // also defines "__proto__" as a property like any other (the spread of each evaluation
  // copies it so), and then assigning it writes that property, not the prototype.
  return Object.fromEntries(names.map((name, i) => [name, features[i].plain])) as Record<string, FlagResult>;
}

/**
 * Per-environment flag bookkeeping, reused by every evaluation (not re-entrant).
 * @example
 * const table = new FlagTable(['beta'], [flagOutcomes(compileFeature(beta), 'beta', 'DEFAULT')]);
 * table.begin();
 * for (const override of matchedOverrides) table.offer(override);
 * table.flags(identityKey); // { beta: { name: 'beta', ... } }
 */
export class FlagTable {
  /** See templateOf. */
  private readonly template: Record<string, FlagResult> | undefined;
  /** Features whose result depends on the identity key (they have variants). */
  private readonly split: Int32Array;
  // Winning override per feature; an entry counts only if stamped with the current generation.
  private readonly winner: (Override | undefined)[];
  private readonly winnerPriority: Float64Array;
  private readonly winnerGeneration: Uint32Array;
  /** The features overridden in this evaluation, `overriddenCount` of them. */
  private readonly overridden: Int32Array;
  private overriddenCount = 0;
  private generation = 0;
  // The flags of one evaluation waiting for their split: outcomes, their seeds, feature indexes
  // and, once hashed, the identity key's percentages. Scratch, sized for every feature at once.
  private readonly pendingOutcomes: FlagOutcomes[];
  private readonly pendingSeeds: HashSeed[];
  private readonly pendingFeatures: Int32Array;
  private readonly percentages: Float64Array;

  constructor(
    private readonly names: readonly string[],
    private readonly features: readonly FlagOutcomes[],
  ) {
    const count = features.length;
    this.winner = new Array(count).fill(undefined);
    this.winnerPriority = new Float64Array(count);
    this.winnerGeneration = new Uint32Array(count);
    this.overridden = new Int32Array(count);
    this.pendingOutcomes = features.slice();
    this.pendingSeeds = features.map((feature) => feature.state.key);
    this.pendingFeatures = new Int32Array(count);
    this.percentages = new Float64Array(count);
    this.split = Int32Array.from(features.keys()).filter((i) => features[i].state.variants.length > 0);
    this.template = templateOf(names, features);
  }

  /** Starts an evaluation: forgets every override offered before. */
  begin(): void {
    if (this.generation === 0xffffffff) {
      this.winnerGeneration.fill(0);
      this.generation = 0;
    }
    this.generation++;
    this.overriddenCount = 0;
  }

  /** Offers an override of a matched segment; segments MUST be offered in context order. */
  offer(override: Override): void {
    const feature = override.feature;
    if (this.winnerGeneration[feature] !== this.generation) {
      this.winnerGeneration[feature] = this.generation;
      this.overridden[this.overriddenCount++] = feature;
    } else if (!(override.priority < this.winnerPriority[feature])) {
      return; // strictly lower priority wins; on a tie the earlier segment keeps the feature
    }
    this.winnerPriority[feature] = override.priority;
    this.winner[feature] = override;
  }

  /** The flags for the overrides offered since `begin`, split by `identityKey` if any. */
  flags(identityKey: HashKey | undefined): Record<string, FlagResult> {
    const { names, features, winner, winnerGeneration, generation } = this;
    const template = this.template;
    if (template === undefined) {
      const flags: Record<string, FlagResult> = {};
      for (let i = 0; i < features.length; i++) {
        const override = winnerGeneration[i] === generation ? winner[i] : undefined;
        const result = flagResult(override === undefined ? features[i] : override.outcomes, identityKey);
        const name = names[i];
        // Assigning "__proto__" would replace the record's prototype rather than add the flag.
        if (name === '__proto__') {
          Object.defineProperty(flags, name, {
            value: result,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else {
          flags[name] = result;
        }
      }
      return flags;
    }
    const flags = { ...template };
    const { pendingOutcomes, pendingSeeds, pendingFeatures } = this;
    let pending = 0;
    if (identityKey !== undefined) {
      const split = this.split;
      for (let k = 0; k < split.length; k++) {
        const i = split[k];
        if (winnerGeneration[i] === generation) continue;
        pendingOutcomes[pending] = features[i];
        pendingSeeds[pending] = features[i].state.key;
        pendingFeatures[pending++] = i;
      }
    }
    const overridden = this.overridden;
    for (let k = 0; k < this.overriddenCount; k++) {
      const i = overridden[k];
      const outcomes = (winner[i] as Override).outcomes;
      if (identityKey === undefined || outcomes.state.variants.length === 0) {
        flags[names[i]] = outcomes.plain;
        continue;
      }
      pendingOutcomes[pending] = outcomes;
      pendingSeeds[pending] = outcomes.state.key;
      pendingFeatures[pending++] = i;
    }
    if (pending > 0) {
      const percentages = this.percentages;
      // Only flags split by a key are pending, so there is one.
      seededPercentages(pendingSeeds, pending, identityKey as HashKey, percentages);
      for (let k = 0; k < pending; k++) {
        flags[names[pendingFeatures[k]]] = splitResult(pendingOutcomes[k], percentages[k]);
      }
    }
    return flags;
  }
}
