import { type Static, Type } from 'typebox';
import { Variant, Variants } from '../features/variants.js';
import { Id, JsonValue, PageQuery, Ref } from '../http/schemas.js';

/** Lower wins when an identity is in several segments that override the same feature. */
const Priority = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

/**
 * The share of the segment's identities (stable per identity) that get this override; the
 * others are evaluated as if it did not exist (the next override, or the environment's state).
 */
const SegmentRolloutPercentage = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], {
  description:
    "Share of the segment's identities (0–100) this override applies to; the rest fall through to the next override or the environment's state. Null: all of them.",
});

export const SegmentOverride = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    segment_id: Type.String(),
    feature_id: Type.String(),
    priority: Type.Integer(),
    enabled: Type.Boolean(),
    value: JsonValue,
    /** In evaluation order. */
    variants: Type.Array(Variant),
    rollout_percentage: Type.Union([Type.Number(), Type.Null()]),
    updated_at: Type.String(),
  },
  { $id: 'SegmentOverride' },
);
export type SegmentOverride = Static<typeof SegmentOverride>;

export const CreateSegmentOverride = Type.Object(
  {
    /** The segment's id or name. */
    segment_id: Ref,
    /** The feature's id or key. */
    feature_id: Ref,
    enabled: Type.Boolean(),
    value: Type.Optional(JsonValue),
    variants: Type.Optional(Variants),
    /** Default: after every override of this feature in this environment. */
    priority: Type.Optional(Priority),
    rollout_percentage: Type.Optional(SegmentRolloutPercentage),
  },
  { additionalProperties: false },
);
export type CreateSegmentOverride = Static<typeof CreateSegmentOverride>;

/** The segment and feature are fixed; delete and create to move an override. */
export const UpdateSegmentOverride = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    value: Type.Optional(JsonValue),
    variants: Type.Optional(Variants),
    priority: Type.Optional(Priority),
    rollout_percentage: Type.Optional(SegmentRolloutPercentage),
  },
  { additionalProperties: false },
);
export type UpdateSegmentOverride = Static<typeof UpdateSegmentOverride>;

export const SegmentOverridesQuery = Type.Object(
  { ...PageQuery.properties, feature_id: Type.Optional(Ref) },
  { additionalProperties: false },
);
export type SegmentOverridesQuery = Static<typeof SegmentOverridesQuery>;

export const SegmentOverrideParams = Type.Object({ environmentId: Ref, id: Id });
