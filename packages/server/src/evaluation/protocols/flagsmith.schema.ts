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
  Type.Null(),
]);

/** `POST /api/v1/identities/` as Flagsmith's SDKs send it. */
export const FlagsmithIdentityBody = Type.Object({
  identifier: Type.Optional(Type.Union([Type.String({ maxLength: MAX_IDENTIFIER_LENGTH }), Type.Null()])),
  transient: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  traits: Type.Optional(
    Type.Union([
      Type.Array(
        Type.Object({
          trait_key: Type.String({ minLength: 1, maxLength: MAX_TRAIT_KEY_LENGTH }),
          trait_value: TraitValue,
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
  identifier: Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH }),
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
