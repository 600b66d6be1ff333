import { type Static, Type } from 'typebox';
import {
  MAX_IDENTIFIER_LENGTH,
  MAX_TRAIT_KEY_LENGTH,
  MAX_TRAIT_STRING_LENGTH,
  MAX_TRAITS_PER_IDENTITY,
} from '../../identities/identity-limits.js';

const TraitValue = Type.Union([
  Type.String({ maxLength: MAX_TRAIT_STRING_LENGTH }),
  Type.Number(),
  Type.Boolean(),
]);
const TraitKey = { minLength: 1, maxLength: MAX_TRAIT_KEY_LENGTH };

export const NativeEvaluateBody = Type.Object(
  {
    identifier: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH })),
    /** Stored with the identity (unless it is transient); null deletes a stored trait. */
    traits: Type.Optional(
      Type.Record(Type.String(TraitKey), Type.Union([TraitValue, Type.Null()]), {
        maxProperties: MAX_TRAITS_PER_IDENTITY,
      }),
    ),
    /** Used for this evaluation only. */
    transient_traits: Type.Optional(
      Type.Record(Type.String(TraitKey), TraitValue, { maxProperties: MAX_TRAITS_PER_IDENTITY }),
    ),
    /** Nothing of this identity is read from or written to storage. */
    transient: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NativeEvaluateBody = Static<typeof NativeEvaluateBody>;

export const NativeFlag = Type.Object({
  key: Type.String(),
  type: Type.String(),
  enabled: Type.Boolean(),
  value: Type.Optional(Type.Unknown()),
  reason: Type.String(),
  variant: Type.Union([Type.String(), Type.Null()]),
});

export const NativeEvaluateResponse = Type.Object({
  flags: Type.Record(Type.String(), NativeFlag),
  identifier: Type.Optional(Type.String()),
  updated_at: Type.String(),
});
