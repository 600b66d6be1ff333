/**
 * Reading a condition's property: a trait name, or a `$.` JSONPath into the context. Paths
 * outside `$.identity` read the same value for every identity, so they are resolved once at
 * compile time. A path that finds no primitive falls back to a trait with the property's full
 * text as its name (`"$.identity"` may be a trait key).
 * @module
 */

import type { EnvironmentEvaluationContext, IdentityContext } from './context.js';
import { type PathStep, parseJsonPath, walkPath } from './jsonpath.js';
import type { HashKey } from './pair-hash.js';
import { type ContextValue, plainValue, traitValue } from './py-values.js';

/** What conditions read while one identity is evaluated. */
export interface Scope {
  identity: IdentityContext | undefined;
  identifier: unknown;
  /** The identity key, defaulted to `<environment.key>_<identifier>`; undefined without identity. */
  key: string | undefined;
  /** `key` encoded for hashing; meaningful only while `key` is defined. */
  hashKey: HashKey;
  /** The identity's traits, or an empty object. */
  traits: Record<string, unknown>;
  /** Unique to one evaluation, across every environment (see nextEvaluation). */
  evaluation: number;
  /** The traits of this evaluation, by slot (see fillTraits); `traitValues[slot]` holds iff `traitStamps[slot] === evaluation`. */
  traitValues: (ContextValue | undefined)[];
  traitStamps: Float64Array;
}

let evaluations = 0;

/**
 * A number no evaluation has had before; give it to `scope.evaluation` whenever the identity
 * in scope changes, so values memoised for the previous one are read again.
 * @example
 * scope.evaluation = nextEvaluation();
 */
export function nextEvaluation(): number {
  return ++evaluations;
}

// One slot per trait name and compiled context: the many conditions on one trait (15
// segments of 15 conditions share a dozen trait names in the standing workload) then look it
// up and convert it once per evaluation rather than once per condition.
const traitSlots = new WeakMap<EnvironmentEvaluationContext, Map<string, number>>();

function traitSlot(name: string, context: EnvironmentEvaluationContext): number {
  let slots = traitSlots.get(context);
  if (slots === undefined) {
    slots = new Map();
    traitSlots.set(context, slots);
  }
  let slot = slots.get(name);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(name, slot);
  }
  return slot;
}

/**
 * The trait slots of the conditions compiled for `context`, by trait name: the size of a
 * scope's `traitValues` and `traitStamps`, and where `fillTraits` puts each trait.
 * @example
 * const traitStamps = new Float64Array(traitSlots(context).size);
 */
export function traitSlotsOf(context: EnvironmentEvaluationContext): ReadonlyMap<string, number> {
  return traitSlots.get(context) ?? new Map();
}

/**
 * Converts the identity's traits that some condition reads into their slots, once per
 * evaluation, walking the identity's few traits rather than looking each condition's name up
 * in them: identities' trait objects come in many shapes, so a lookup by name is a slow,
 * megamorphic one, and half of them miss. A slot left unstamped reads as an unset trait.
 * @example
 * scope.evaluation = nextEvaluation();
 * fillTraits(scope, traitSlotsOf(context));
 */
export function fillTraits(scope: Scope, slots: ReadonlyMap<string, number>): void {
  const traits = scope.traits;
  const evaluation = scope.evaluation;
  const prototype = Object.getPrototypeOf(traits);
  if (prototype !== Object.prototype && prototype !== null) {
    // Not a plain record (a class instance with getters, an array): read each name as
    // `traits[name]` does, since walking the keys would miss what is not an enumerable key.
    for (const [name, slot] of slots) {
      scope.traitValues[slot] = traitValue(traits[name]);
      scope.traitStamps[slot] = evaluation;
    }
    return;
  }
  // For a plain record, for-in reads what `traits[name]` would: its enumerable properties.
  for (const name in traits) {
    const slot = slots.get(name);
    if (slot === undefined) continue;
    scope.traitValues[slot] = traitValue(traits[name]);
    scope.traitStamps[slot] = evaluation;
  }
}

/**
 * The trait in `slot` of the identity in scope as conditions see it, once `fillTraits` ran
 * for this evaluation.
 * @example
 * readTrait(scope, 0); // 'pro'
 */
export function readTrait(scope: Scope, slot: number): ContextValue | undefined {
  return scope.traitStamps[slot] === scope.evaluation ? scope.traitValues[slot] : undefined;
}

function traitReader(name: string, context: EnvironmentEvaluationContext): Getter {
  const slot = traitSlot(name, context);
  return (scope) => readTrait(scope, slot);
}

/** Reads a context value for the identity in scope; undefined is Python's `None`. */
export type Getter = (scope: Scope) => ContextValue | undefined;

/** A property known at compile time, or one read per identity. */
export type Property =
  | { readonly constant: true; readonly value: ContextValue | undefined }
  | {
      readonly constant: false;
      readonly get: Getter;
      /** Set when the property is a plain trait name, so conditions can read its slot inline. */
      readonly trait?: { readonly slot: number };
    };

const NONE: Property = { constant: true, value: undefined };

function identityReader(steps: readonly PathStep[], context: EnvironmentEvaluationContext): Getter {
  const field = steps[1];
  if (steps.length === 2 && field === 'identifier') return (scope) => plainValue(scope.identifier);
  if (steps.length === 2 && field === 'key') return (scope) => scope.key;
  const traitName = steps[2];
  if (steps.length === 3 && field === 'traits' && typeof traitName === 'string') {
    return traitReader(traitName, context);
  }
  return (scope) => {
    const identity = scope.identity;
    if (!identity || field === undefined) return undefined;
    let root: unknown;
    if (field === 'key') root = scope.key;
    else if (field === 'traits') root = scope.traits;
    else if (typeof field === 'string' && Object.hasOwn(identity, field)) root = identity[field];
    return plainValue(walkPath(root, steps, 2));
  };
}

/**
 * Compiles how a condition reads `property` against environments like `context`.
 * @example
 * const age = compileProperty('age', context); // { constant: false, get: (scope) => ... }
 */
export function compileProperty(property: unknown, context: EnvironmentEvaluationContext): Property {
  if (typeof property !== 'string' || property === '') return NONE;
  const trait = traitReader(property, context);
  const steps = property.startsWith('$.') ? parseJsonPath(property) : undefined;
  if (!steps) return { constant: false, get: trait, trait: { slot: traitSlot(property, context) } };
  if (steps[0] !== 'identity') {
    const value = plainValue(walkPath(context, steps));
    return value === undefined ? { constant: false, get: trait } : { constant: true, value };
  }
  const read = identityReader(steps, context);
  return {
    constant: false,
    get: (scope) => {
      const value = read(scope);
      return value === undefined ? trait(scope) : value;
    },
  };
}
