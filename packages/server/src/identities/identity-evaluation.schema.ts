import { type Static, Type } from 'typebox';
import { JsonValue } from '../http/schemas.js';
import { Traits } from './identities.schema.js';

/**
 * What decided a flag for the identity, read from the engine's reason and the segment it names:
 * its own override, a segment override (with the segment), a percentage rollout, a weighted
 * variant pick, or the environment's state.
 */
export const DECIDERS = ['identity_override', 'segment', 'rollout', 'split', 'environment'] as const;
export type Decider = (typeof DECIDERS)[number];

const SegmentRef = Type.Object({ id: Type.String(), name: Type.String() });

export const EvaluatedIdentityFlag = Type.Object(
  {
    feature_id: Type.String(),
    feature_key: Type.String(),
    type: Type.String(),
    server_key_only: Type.Boolean(),
    enabled: Type.Boolean(),
    /** The engine's value: null for boolean features, whose value is `enabled`. */
    value: JsonValue,
    variant: Type.Union([Type.String(), Type.Null()]),
    /** The engine's reason, unredacted: `DEFAULT`, `TARGETING_MATCH; segment=<name>`, `SPLIT; weight=<w>`. */
    reason: Type.String(),
    decided_by: Type.Enum([...DECIDERS]),
    /** The segment whose override decided, when `decided_by` is `segment`. */
    segment: Type.Union([SegmentRef, Type.Null()]),
  },
  { $id: 'EvaluatedIdentityFlag' },
);
export type EvaluatedIdentityFlag = Static<typeof EvaluatedIdentityFlag>;

export const IdentityEvaluation = Type.Object(
  {
    identity_id: Type.String(),
    identifier: Type.String(),
    environment_id: Type.String(),
    traits: Traits,
    /** The project's segments the identity is in (rollout and override segments left out). */
    segments: Type.Array(SegmentRef),
    flags: Type.Array(EvaluatedIdentityFlag),
  },
  { $id: 'IdentityEvaluation' },
);
export type IdentityEvaluation = Static<typeof IdentityEvaluation>;
