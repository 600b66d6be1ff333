import { type Static, Type } from 'typebox';
import { JsonValue, Ref } from '../http/schemas.js';
import { Variant, Variants } from './variants.js';

/**
 * A percentage rollout: the share of identities (0–100, stable per identity) a state applies
 * to. Raising it only adds identities; null applies the state to everyone.
 */
const RolloutPercentage = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], {
  description:
    'Share of identities (0–100) that get this state enabled; the rest get the feature disabled. Null: everyone.',
});

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
    rollout_percentage: Type.Union([Type.Number(), Type.Null()]),
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
    rollout_percentage: Type.Optional(RolloutPercentage),
  },
  { additionalProperties: false },
);
export type UpdateFeatureState = Static<typeof UpdateFeatureState>;

export const EnvironmentParams = Type.Object({ environmentId: Ref });
export const FeatureStateParams = Type.Object({ environmentId: Ref, featureId: Ref });
