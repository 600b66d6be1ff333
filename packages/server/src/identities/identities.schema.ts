import { type Static, Type } from 'typebox';
import { JsonValue, PageQuery, Ref } from '../http/schemas.js';
import {
  MAX_IDENTIFIER_LENGTH,
  MAX_TRAIT_KEY_LENGTH,
  MAX_TRAIT_STRING_LENGTH,
  MAX_TRAITS_PER_IDENTITY,
} from './identity-limits.js';

/*
 * Identifier and trait limits are enforced by the service (identity-limits.ts), not here, so
 * the admin API and every SDK protocol answer the same codes (`trait_value_too_long`, ...).
 * The schemas carry them as descriptions for the OpenAPI document.
 */

const TraitScalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const TRAITS_DESCRIPTION =
  `At most ${MAX_TRAITS_PER_IDENTITY} traits; keys up to ${MAX_TRAIT_KEY_LENGTH} characters, ` +
  `string values up to ${MAX_TRAIT_STRING_LENGTH}.`;

/** Every key matches, newlines included (JSON Schema's `.` stops at them). */
const AnyKey = Type.String({ pattern: '^[\\s\\S]*$' });

export const Traits = Type.Record(AnyKey, TraitScalar, { description: TRAITS_DESCRIPTION });
export type Traits = Static<typeof Traits>;

/** A trait set to merge: `null` deletes the key. */
export const TraitsPatch = Type.Record(AnyKey, Type.Union([TraitScalar, Type.Null()]), {
  description: `${TRAITS_DESCRIPTION} A null value deletes the trait.`,
});

const Identifier = Type.String({
  description: `1 to ${MAX_IDENTIFIER_LENGTH} characters, unique per environment.`,
});

export const Identity = Type.Object(
  { id: Type.String(), environment_id: Type.String(), identifier: Type.String(), created_at: Type.String() },
  { $id: 'Identity' },
);
export type Identity = Static<typeof Identity>;

export const IdentityOverride = Type.Object(
  {
    id: Type.String(),
    identity_id: Type.String(),
    feature_id: Type.String(),
    feature_key: Type.String(),
    enabled: Type.Boolean(),
    value: JsonValue,
    hash_key: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'IdentityOverride' },
);
export type IdentityOverride = Static<typeof IdentityOverride>;

export const IdentityDetail = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    identifier: Type.String(),
    created_at: Type.String(),
    traits: Traits,
    overrides: Type.Array(IdentityOverride),
  },
  { $id: 'IdentityDetail' },
);
export type IdentityDetail = Static<typeof IdentityDetail>;

export const CreateIdentity = Type.Object(
  { identifier: Identifier, traits: Type.Optional(Traits) },
  { additionalProperties: false },
);
export type CreateIdentity = Static<typeof CreateIdentity>;

export const ReplaceTraits = Type.Object({ traits: Traits }, { additionalProperties: false });
export const PatchTraits = Type.Object({ traits: TraitsPatch }, { additionalProperties: false });
export const TraitsResponse = Type.Object({ traits: Traits });

export const PutOverride = Type.Object(
  {
    enabled: Type.Boolean(),
    value: Type.Optional(
      Type.Unknown({
        description:
          'Typed like the feature: null for boolean features; a string, number or any JSON otherwise.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PutOverride = Static<typeof PutOverride>;

export const EnvironmentParams = Type.Object({ environmentId: Ref });
export const IdentityParams = Type.Object({ environmentId: Ref, id: Ref });
export const OverrideParams = Type.Object({ environmentId: Ref, id: Ref, featureId: Ref });

export const IdentityListQuery = Type.Object(
  {
    ...PageQuery.properties,
    q: Type.Optional(
      Type.String({ maxLength: MAX_IDENTIFIER_LENGTH, description: 'Identifier prefix (case-sensitive).' }),
    ),
  },
  { additionalProperties: false },
);
export type IdentityListQuery = Static<typeof IdentityListQuery>;

/** An identity override seen from its feature: who has it, and what it gives them. */
export const FeatureIdentityOverride = Type.Object(
  {
    identity_id: Type.String(),
    identifier: Type.String(),
    feature_id: Type.String(),
    feature_key: Type.String(),
    enabled: Type.Boolean(),
    value: JsonValue,
    updated_at: Type.String(),
  },
  { $id: 'FeatureIdentityOverride' },
);
export type FeatureIdentityOverride = Static<typeof FeatureIdentityOverride>;

export const FeatureOverridesQuery = Type.Object(
  { ...PageQuery.properties, feature_id: Ref },
  { additionalProperties: false },
);
export type FeatureOverridesQuery = Static<typeof FeatureOverridesQuery>;
