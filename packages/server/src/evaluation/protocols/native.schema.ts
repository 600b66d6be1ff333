import { type Static, Type } from 'typebox';
import { MAX_TRAITS_PER_IDENTITY } from '../../identities/identity-limits.js';
import {
  IdentifierSchema,
  NullableTraitValueSchema,
  TraitKeySchema,
  TraitValueSchema,
} from '../../identities/trait.schema.js';

export const NativeEvaluateBody = Type.Object(
  {
    identifier: Type.Optional(IdentifierSchema),
    /** Stored with the identity (unless it is transient); null deletes a stored trait. */
    traits: Type.Optional(
      Type.Record(TraitKeySchema, NullableTraitValueSchema, {
        maxProperties: MAX_TRAITS_PER_IDENTITY,
      }),
    ),
    /** Used for this evaluation only. */
    transient_traits: Type.Optional(
      Type.Record(TraitKeySchema, TraitValueSchema, { maxProperties: MAX_TRAITS_PER_IDENTITY }),
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
