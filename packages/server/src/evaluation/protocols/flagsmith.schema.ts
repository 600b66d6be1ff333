import { type Static, Type } from 'typebox';
import { MAX_IDENTIFIER_LENGTH, MAX_TRAITS_PER_IDENTITY } from '../../identities/identity-limits.js';
import { IdentifierSchema, NullableTraitValueSchema, TraitKeySchema } from '../../identities/trait.schema.js';

/** `POST /api/v1/identities/` as Flagsmith's SDKs send it. */
export const FlagsmithIdentityBody = Type.Object({
  identifier: Type.Optional(Type.Union([Type.String({ maxLength: MAX_IDENTIFIER_LENGTH }), Type.Null()])),
  transient: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  traits: Type.Optional(
    Type.Union([
      Type.Array(
        Type.Object({
          trait_key: TraitKeySchema,
          trait_value: NullableTraitValueSchema,
          transient: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
        }),
        { maxItems: MAX_TRAITS_PER_IDENTITY },
      ),
      Type.Null(),
    ]),
  ),
});
export type FlagsmithIdentityBody = Static<typeof FlagsmithIdentityBody>;

export const FlagsmithIdentityQuery = Type.Object({
  identifier: IdentifierSchema,
  transient: Type.Optional(Type.Boolean()),
});

export const FlagsmithFlagsQuery = Type.Object({
  feature: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

/** `{feature_name: count}` from the SDKs' flag analytics. */
export const FlagsmithAnalyticsBody = Type.Record(
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.Integer({ minimum: 0, maximum: 1e9 }),
  {
    maxProperties: 2000,
  },
);
