import { Type } from 'typebox';
import { MAX_IDENTIFIER_LENGTH, MAX_TRAIT_KEY_LENGTH, MAX_TRAIT_STRING_LENGTH } from './identity-limits.js';

/**
 * Schemas of what SDK protocols accept about an identity, from the limits in identity-limits.ts,
 * so every protocol refuses the same oversized input at the schema.
 */
export const TraitValueSchema = Type.Union([
  Type.String({ maxLength: MAX_TRAIT_STRING_LENGTH }),
  Type.Number(),
  Type.Boolean(),
]);
/** A trait value, or null to delete a stored trait. */
export const NullableTraitValueSchema = Type.Union([TraitValueSchema, Type.Null()]);
export const TraitKeySchema = Type.String({ minLength: 1, maxLength: MAX_TRAIT_KEY_LENGTH });
export const IdentifierSchema = Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH });
