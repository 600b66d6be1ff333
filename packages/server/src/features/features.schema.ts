import { type Static, Type } from 'typebox';
import { JsonValue, PageQuery } from '../http/schemas.js';
import { FEATURE_TYPES } from './feature-values.js';

const FeatureType = Type.Enum([...FEATURE_TYPES]);
/** Machine key: what SDKs ask for. Fixed at creation, since every SDK call names it. */
const FeatureKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const Description = Type.String({ maxLength: 2000 });
const Tag = Type.String({ minLength: 1, maxLength: 100 });
const Tags = Type.Array(Tag, { maxItems: 50, uniqueItems: true });
const Owner = Type.String({
  maxLength: 200,
  description: 'Who looks after the flag: a person or a team, free text; empty for nobody.',
});
const Archived = Type.Boolean({
  description:
    'Archived flags are hidden from the console list by default and keep evaluating exactly as ' +
    'before (as in Flagsmith): archiving never changes what an application gets. Delete to stop serving.',
});

export const Feature = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    key: Type.String(),
    /** Stable integer id, what Flagsmith-compatible APIs show as the feature id. */
    number: Type.Integer(),
    type: FeatureType,
    description: Type.String(),
    tags: Type.Array(Type.String()),
    server_key_only: Type.Boolean(),
    default_enabled: Type.Boolean(),
    default_value: JsonValue,
    owner: Type.String(),
    archived: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Feature' },
);
export type Feature = Static<typeof Feature>;

export const CreateFeature = Type.Object(
  {
    key: FeatureKey,
    type: FeatureType,
    description: Type.Optional(Description),
    tags: Type.Optional(Tags),
    server_key_only: Type.Optional(Type.Boolean()),
    default_enabled: Type.Optional(Type.Boolean()),
    /** Typed like the feature; null for boolean features. Used for the states of new environments too. */
    default_value: Type.Optional(JsonValue),
    owner: Type.Optional(Owner),
  },
  { additionalProperties: false },
);
export type CreateFeature = Static<typeof CreateFeature>;

/** `key` and `type` are accepted only unchanged, so a client may send back what it read. */
export const UpdateFeature = Type.Object(
  {
    key: Type.Optional(FeatureKey),
    type: Type.Optional(FeatureType),
    description: Type.Optional(Description),
    tags: Type.Optional(Tags),
    server_key_only: Type.Optional(Type.Boolean()),
    default_enabled: Type.Optional(Type.Boolean()),
    default_value: Type.Optional(JsonValue),
    owner: Type.Optional(Owner),
    archived: Type.Optional(Archived),
  },
  { additionalProperties: false },
);
export type UpdateFeature = Static<typeof UpdateFeature>;

export const FeaturesQuery = Type.Object(
  { ...PageQuery.properties, tag: Type.Optional(Tag) },
  { additionalProperties: false },
);
export type FeaturesQuery = Static<typeof FeaturesQuery>;
