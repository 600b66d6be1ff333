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
  const entries = Array.isArray(traits)
    ? traits.map((t) => [t.key, t.value] as const)
    : Object.entries(traits as Record<string, unknown>);
  if (entries.length > MAX_TRAITS_PER_IDENTITY) return tooManyTraits(entries.length);
  for (const [key, value] of entries) {
    if (typeof key !== 'string' || key.length === 0 || !isStorableText(key)) {
      return invalid('invalid_trait_key', 'A trait key must be a non-empty string without NUL characters.');
    }
    if (codePoints(key) > MAX_TRAIT_KEY_LENGTH) {
      return invalid('trait_key_too_long', `Trait keys are limited to ${MAX_TRAIT_KEY_LENGTH} characters.`, {
        key: key.slice(0, 50),
      });
    }
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return invalidValue(key);
      continue;
    }
    if (typeof value !== 'string') return invalidValue(key);
    if (codePoints(value) > MAX_TRAIT_STRING_LENGTH) {
      return invalid(
        'trait_value_too_long',
        `Trait string values are limited to ${MAX_TRAIT_STRING_LENGTH} characters.`,
        {
          key,
        },
      );
    }
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

function codePoints(text: string): number {
  // Only astral characters make code points and code units differ; most strings have none.
  if (!/[\uD800-\uDFFF]/.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}
