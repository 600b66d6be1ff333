import { type Static, Type } from 'typebox';
import { UpdateFeatureState } from '../features/feature-states.schema.js';
import { JsonValue, Ref } from '../http/schemas.js';
import { PutOverride } from '../identities/identities.schema.js';
import { UpdateSegmentOverride } from '../segments/segment-overrides.schema.js';

/*
 * One change of a change request or a scheduled change: the body the direct route takes,
 * plus `kind` and what the route has in its path. Changes are applied through the same
 * services as the direct routes, so they are validated the same way.
 */

const Force = Type.Optional(
  Type.Boolean({
    description: 'Confirm a variant change that a running experiment refuses, as `?force=true`.',
  }),
);
const Delete = Type.Optional(
  Type.Literal(true, { description: 'Remove the override instead of setting it.' }),
);

export const FeatureStateChange = Type.Object(
  {
    kind: Type.Literal('feature_state'),
    /** The feature's id or key. */
    feature: Ref,
    ...UpdateFeatureState.properties,
    force: Force,
  },
  { additionalProperties: false, description: 'As PATCH /environments/{id}/feature-states/{feature}.' },
);

export const SegmentOverrideChange = Type.Object(
  {
    kind: Type.Literal('segment_override'),
    /** The segment's id or name. */
    segment: Ref,
    feature: Ref,
    ...UpdateSegmentOverride.properties,
    force: Force,
    delete: Delete,
  },
  {
    additionalProperties: false,
    description:
      "Sets the segment's override of the feature (created when missing, then `enabled` is required; " +
      'absent fields stay), or removes it with `delete: true`.',
  },
);

export const IdentityOverrideChange = Type.Object(
  {
    kind: Type.Literal('identity_override'),
    /** The identity's id or identifier. */
    identity: Ref,
    feature: Ref,
    enabled: Type.Optional(PutOverride.properties.enabled),
    value: Type.Optional(JsonValue),
    delete: Delete,
  },
  {
    additionalProperties: false,
    description:
      'As PUT /environments/{id}/identities/{identity}/overrides/{feature} (`enabled` required), or removes the override with `delete: true`.',
  },
);

const ChangeUnion = Type.Union([FeatureStateChange, SegmentOverrideChange, IdentityOverrideChange]);
export type ChangeInput = Static<typeof ChangeUnion>;
export type ChangeKind = ChangeInput['kind'];

/**
 * A change as requests take it: `kind` picks the shape first (Ajv's discriminator, enabled in
 * http/validation.ts), so a fault is reported against the shape the caller meant.
 */
export const Change = Type.Unsafe<ChangeInput>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: ChangeUnion.anyOf,
});

/** Changes one request or scheduled change may carry: enough for a release, small enough to review. */
export const MAX_CHANGES = 100;

export const Changes = Type.Array(Change, { minItems: 1, maxItems: MAX_CHANGES });
/** The same list in responses, where no discriminator is needed to serialise it. */
export const ChangesView = Type.Array(ChangeUnion);

/** Ids of what a change targets, resolved when it was planned so renames cannot redirect it. */
export interface ChangeTarget {
  feature_id: string;
  segment_id?: string;
  identity_id?: string;
}

/** What a target looked like when the change was planned; null when it did not exist. */
export interface SeenVersion {
  id: string;
  updated_at: string;
  /** The target's content columns, so a write within the same millisecond still counts as a move. */
  fingerprint: string;
}

/** A change as stored: what was asked, what it targets, and the version it was proposed against. */
export interface PlannedChange {
  change: ChangeInput;
  target: ChangeTarget;
  /** "feature 'banner'", "segment 'beta' on feature 'banner'", … for messages. */
  label: string;
  seen: SeenVersion | null;
}

/** One row of a change request's diff: the target now and after the change. */
export const ChangeDiff = Type.Object({
  kind: Type.Union([
    Type.Literal('feature_state'),
    Type.Literal('segment_override'),
    Type.Literal('identity_override'),
  ]),
  target: Type.String({ description: "What the change targets, e.g. `feature 'banner'`." }),
  /** Null: the target does not exist (an override still to create, or one that was deleted). */
  current: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  /** Null: the change removes the target. */
  proposed: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  moved: Type.Boolean({
    description: 'The target changed since the request was proposed: committing it would be refused.',
  }),
});
export type ChangeDiff = Static<typeof ChangeDiff>;
