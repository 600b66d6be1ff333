import { hash } from 'node:crypto';
import { invalid } from '../../errors.js';
import { jsonText } from '../../http/json-text.js';
import { validateTraits } from '../../identities/identity-limits.js';
import type { Evaluation, IdentityRequest, TraitInput } from '../evaluation.service.js';
import type { SdkAnswer } from '../sdk-answer.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import type { FlagsmithIdentityBody } from './flagsmith.schema.js';
import { flagsmithFlagsJson } from './flagsmith-flags.js';

/**
 * Flagsmith's answers, computed once here for both the Fastify routes (flagsmith.routes.ts)
 * and the fast lane (flagsmith.fast-lane.ts).
 */

export const UPDATED_AT = 'X-Flagsmith-Document-Updated-At';

const stamps = new WeakMap<EnvironmentSnapshot, Readonly<Record<string, string>>>();

/** `X-Flagsmith-Document-Updated-At`, which clients compare with realtime events; one object per snapshot. */
export function updatedAtHeaders(snapshot: EnvironmentSnapshot): Readonly<Record<string, string>> {
  let headers = stamps.get(snapshot);
  if (!headers) {
    headers = Object.freeze({ [UPDATED_AT.toLowerCase()]: String(snapshot.updatedAtSeconds) });
    stamps.set(snapshot, headers);
  }
  return headers;
}

const environmentAnswers = new WeakMap<Evaluation, SdkAnswer>();

/**
 * `GET flags/` without `?feature`. Anonymous evaluations are shared per snapshot, and so are
 * their bytes: encoded once, not on every write.
 */
export function environmentFlagsAnswer(evaluation: Evaluation): SdkAnswer {
  let answer = environmentAnswers.get(evaluation);
  if (answer === undefined) {
    answer = Object.freeze({
      headers: updatedAtHeaders(evaluation.snapshot),
      body: Buffer.from(flagsmithFlagsJson(evaluation.snapshot).list(evaluation.flags)),
    });
    environmentAnswers.set(evaluation, answer);
  }
  return answer;
}

/** Whether the answer marks a trait transient: those sent so, or all of a transient identity. */
export type IsTransient = (traitKey: string) => boolean;
const always: IsTransient = () => true;
export const never: IsTransient = () => false;

/**
 * What `POST identities/` asks for, checked: throws the refusal (a PennonError) for traits
 * beyond the limits or a body with neither identifier nor traits.
 */
export function identityInput(body: FlagsmithIdentityBody): {
  identity: IdentityRequest;
  isTransient: IsTransient;
} {
  const traits = traitInputs(body.traits);
  const failure = validateTraits(traits);
  if (failure) throw failure;
  // Without an identifier the identity is anonymous: named after its traits, never stored.
  const identifier = body.identifier || derivedIdentifier(traits);
  const transient = body.transient === true || !body.identifier;
  return {
    identity: { identifier, traits, transient },
    isTransient: transient ? always : transientKeys(traits),
  };
}

/** `{identifier, flags, traits}`, written as text: see `flagsmithFlagsJson`. */
export function identityAnswer(evaluation: Evaluation, isTransient: IsTransient): SdkAnswer {
  return {
    headers: updatedAtHeaders(evaluation.snapshot),
    body: flagsmithFlagsJson(evaluation.snapshot).listBytes(
      evaluation.flags,
      `{"identifier":${jsonText(evaluation.identifier)},"flags":`,
      `,"traits":${traitsJson(evaluation.visibleTraits, isTransient)}}`,
    ),
  };
}

/** The traits as Flagsmith's clients send them, in the evaluation's terms. */
function traitInputs(given: FlagsmithIdentityBody['traits']): TraitInput[] {
  const traits: TraitInput[] = [];
  if (!given) return traits;
  for (let i = 0; i < given.length; i++) {
    const t = given[i];
    traits.push({ key: t.trait_key, value: t.trait_value, transient: t.transient === true });
  }
  return traits;
}

function transientKeys(traits: readonly TraitInput[]): IsTransient {
  const keys = new Set<string>();
  for (const t of traits) if (t.transient) keys.add(t.key);
  return (traitKey) => keys.has(traitKey);
}

/** `[{trait_key, trait_value, transient?}]` as text, from the same cached pieces as the flags. */
function traitsJson(traits: Record<string, unknown>, isTransient: IsTransient): string {
  let text = '[';
  for (const trait_key in traits) {
    if (!Object.hasOwn(traits, trait_key)) continue;
    if (text.length > 1) text += ',';
    text += `{"trait_key":${jsonText(trait_key)},"trait_value":${jsonText(traits[trait_key])}${isTransient(trait_key) ? ',"transient":true}' : '}'}`;
  }
  return `${text}]`;
}

/** A stable name for an anonymous identity: the same traits always give the same identifier. */
function derivedIdentifier(traits: TraitInput[]): string {
  if (traits.length === 0) throw invalid('identifier_required', 'Send an identifier or at least one trait.');
  const sorted = traits
    .map((t) => [t.key, t.value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return hash('sha256', JSON.stringify(sorted), 'hex');
}
