import { invalid, type PennonError } from '../errors.js';
import { isStorableText } from '../shared/storable-text.js';

/**
 * Limits on what any client may store about one identity. Traits arrive from client keys that
 * sit in web pages, so every protocol adapter checks them with `validateTraits` before use.
 */
export const MAX_TRAITS_PER_IDENTITY = 100;
export const MAX_TRAIT_KEY_LENGTH = 200;
export const MAX_TRAIT_STRING_LENGTH = 2000;
export const MAX_IDENTIFIER_LENGTH = 1000;

export type TraitValue = string | number | boolean;

/** One trait as sent by a client; `null` asks to delete a stored trait. */
export interface TraitInput {
  key: string;
  value: TraitValue | null;
}

/**
 * Checks a batch of traits as a client sent it: count, key length, value type and length.
 * Accepts a list of `{key, value}` (Flagsmith-style) or a plain object (OFREP/admin-style).
 * `null` values pass (they delete); anything that is not a JSON scalar does not. Lengths count
 * Unicode code points, as JSON Schema `maxLength` does, so route schemas and this agree.
 *
 * @example
 * const error = validateTraits([{ key: 'plan', value: 'pro' }, { key: 'age', value: 42 }]);
 * if (error) throw error; // PennonError, kind 'invalid', e.g. code 'trait_value_too_long'
 */
export function validateTraits(
  traits: readonly { key: unknown; value: unknown }[] | Readonly<Record<string, unknown>>,
): PennonError | undefined {
  // Loops without building entries: every SDK request with traits comes through here.
  if (Array.isArray(traits)) {
    if (traits.length > MAX_TRAITS_PER_IDENTITY) return tooManyTraits(traits.length);
    for (let i = 0; i < traits.length; i++) {
      const failure = validateTrait(traits[i].key, traits[i].value);
      if (failure) return failure;
    }
    return undefined;
  }
  const record = traits as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record);
  if (keys.length > MAX_TRAITS_PER_IDENTITY) return tooManyTraits(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const failure = validateTrait(keys[i], record[keys[i]]);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * Checks one trait as `validateTraits` checks each of a batch (count aside).
 *
 * @example
 * validateTrait('plan', 'pro'); // undefined
 * validateTrait('', 'pro')?.code; // 'invalid_trait_key'
 */
export function validateTrait(key: unknown, value: unknown): PennonError | undefined {
  if (typeof key !== 'string' || key.length === 0 || (!plainText(key) && !isStorableText(key))) {
    return invalid('invalid_trait_key', 'A trait key must be a non-empty string without NUL characters.');
  }
  if (key.length > MAX_TRAIT_KEY_LENGTH && codePoints(key) > MAX_TRAIT_KEY_LENGTH) {
    return invalid('trait_key_too_long', `Trait keys are limited to ${MAX_TRAIT_KEY_LENGTH} characters.`, {
      key: key.slice(0, 50),
    });
  }
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : invalidValue(key);
  if (typeof value !== 'string') return invalidValue(key);
  if (value.length > MAX_TRAIT_STRING_LENGTH && codePoints(value) > MAX_TRAIT_STRING_LENGTH) {
    return invalid(
      'trait_value_too_long',
      `Trait string values are limited to ${MAX_TRAIT_STRING_LENGTH} characters.`,
      {
        key,
      },
    );
  }
  return undefined;
}

/** Checks an identity's identifier; undefined when it is acceptable. */
export function validateIdentifier(identifier: unknown): PennonError | undefined {
  if (typeof identifier !== 'string' || identifier.length === 0 || !isStorableText(identifier)) {
    return invalid('invalid_identifier', 'An identifier must be a non-empty string without NUL characters.');
  }
  if (codePoints(identifier) > MAX_IDENTIFIER_LENGTH) {
    return invalid('identifier_too_long', `Identifiers are limited to ${MAX_IDENTIFIER_LENGTH} characters.`);
  }
  return undefined;
}

export function tooManyTraits(count: number): PennonError {
  return invalid(
    'too_many_traits',
    `An identity can hold at most ${MAX_TRAITS_PER_IDENTITY} traits (this would make ${count}).`,
  );
}

function invalidValue(key: string): PennonError {
  return invalid(
    'invalid_trait_value',
    'A trait value must be a string, a finite number, a boolean or null.',
    { key },
  );
}

/** Neither NUL nor any surrogate: storable, and as many code points as code units. */
function plainText(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters looked for.
  return !/[\u0000\uD800-\uDFFF]/.test(text);
}

function codePoints(text: string): number {
  // Only astral characters make code points and code units differ; most strings have none.
  if (!/[\uD800-\uDFFF]/.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}
