import { type Static, Type } from 'typebox';
import { JsonValue, Ref } from '../http/schemas.js';
import { Variant, Variants } from './variants.js';

export const FeatureState = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    feature_id: Type.String(),
    feature_key: Type.String(),
    enabled: Type.Boolean(),
    value: JsonValue,
    /** In evaluation order. */
    variants: Type.Array(Variant),
    updated_at: Type.String(),
  },
  { $id: 'FeatureState' },
);
export type FeatureState = Static<typeof FeatureState>;

/** Absent fields stay as they are; `variants` replaces the whole list. */
export const UpdateFeatureState = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    value: Type.Optional(JsonValue),
    variants: Type.Optional(Variants),
  },
  { additionalProperties: false },
);
export type UpdateFeatureState = Static<typeof UpdateFeatureState>;

export const EnvironmentParams = Type.Object({ environmentId: Ref });
export const FeatureStateParams = Type.Object({ environmentId: Ref, featureId: Ref });
