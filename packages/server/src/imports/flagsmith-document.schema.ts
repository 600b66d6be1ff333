import { type Static, Type } from 'typebox';
import { VariantKey } from '../features/variants.js';

/**
 * The parts of a Flagsmith environment document (as `/api/v1/environment-document/` serves
 * it) that the import reads. Unknown fields are allowed: documents carry many we do not need.
 */
const Scalar = Type.Union([Type.String({ maxLength: 65_536 }), Type.Number(), Type.Boolean(), Type.Null()]);
const Id = Type.Union([Type.Integer(), Type.String({ minLength: 1, maxLength: 100 })]);

const MultivariateValue = Type.Object({
  id: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  mv_fs_value_uuid: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  percentage_allocation: Type.Number({ minimum: 0, maximum: 100 }),
  multivariate_feature_option: Type.Object({
    id: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    value: Scalar,
    /** Pennon's name for the variant, where its documents carry one; Flagsmith's have none. */
    key: Type.Optional(VariantKey),
  }),
});

export const FlagsmithFeatureState = Type.Object({
  feature: Type.Object({
    id: Type.Integer({ minimum: 0 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type.Optional(Type.String()),
  }),
  enabled: Type.Boolean(),
  feature_state_value: Type.Optional(Scalar),
  django_id: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  featurestate_uuid: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  multivariate_feature_state_values: Type.Optional(Type.Array(MultivariateValue, { maxItems: 20 })),
  feature_segment: Type.Optional(
    Type.Union([
      Type.Object({ priority: Type.Optional(Type.Union([Type.Integer(), Type.Null()])) }),
      Type.Null(),
    ]),
  ),
});
export type FlagsmithFeatureState = Static<typeof FlagsmithFeatureState>;

const Condition = Type.Object({
  operator: Type.String({ maxLength: 40 }),
  property_: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  value: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
});

export interface FlagsmithRule {
  type: string;
  conditions?: Static<typeof Condition>[];
  rules?: FlagsmithRule[];
}

const Rule = Type.Cyclic(
  {
    Rule: Type.Object({
      type: Type.String({ maxLength: 10 }),
      conditions: Type.Optional(Type.Array(Condition, { maxItems: 200 })),
      rules: Type.Optional(Type.Array(Type.Ref('Rule'), { maxItems: 50 })),
    }),
  },
  'Rule',
);

export const FlagsmithEnvironmentDocument = Type.Object({
  api_key: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  allow_client_traits: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  hide_sensitive_data: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  project: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    hide_disabled_flags: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    segments: Type.Optional(
      Type.Array(
        Type.Object({
          id: Id,
          name: Type.String({ minLength: 1, maxLength: 200 }),
          rules: Type.Array(Rule, { maxItems: 50 }),
          feature_states: Type.Optional(Type.Array(FlagsmithFeatureState, { maxItems: 1000 })),
        }),
        { maxItems: 1000 },
      ),
    ),
  }),
  feature_states: Type.Array(FlagsmithFeatureState, { maxItems: 5000 }),
  identity_overrides: Type.Optional(
    Type.Array(
      Type.Object({
        identifier: Type.String({ minLength: 1, maxLength: 1000 }),
        identity_features: Type.Optional(Type.Array(FlagsmithFeatureState, { maxItems: 1000 })),
      }),
      { maxItems: 100_000 },
    ),
  ),
});
export type FlagsmithEnvironmentDocument = Static<typeof FlagsmithEnvironmentDocument>;
