import { type Static, Type } from 'typebox';
import { Rules, RulesInput } from './segment-rules.schema.js';

export const Segment = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    rules: Rules,
    hash_key: Type.String({
      description:
        'What PERCENTAGE_SPLIT conditions hash with the identity key: fixed for the life of the segment, ' +
        'so a user stays on the same side of a split. The console evaluates segments with it.',
    }),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Segment' },
);
export type Segment = Static<typeof Segment>;

const SegmentName = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 2000 });

/** A segment with no rules never matches (DESIGN.md §3), so `rules` must hold at least one rule. */
export const CreateSegment = Type.Object(
  { name: SegmentName, description: Type.Optional(Description), rules: Type.Optional(RulesInput) },
  { additionalProperties: false },
);
export type CreateSegment = Static<typeof CreateSegment>;

/** `rules` replaces the whole tree. */
export const UpdateSegment = Type.Object(
  {
    name: Type.Optional(SegmentName),
    description: Type.Optional(Description),
    rules: Type.Optional(RulesInput),
  },
  { additionalProperties: false },
);
export type UpdateSegment = Static<typeof UpdateSegment>;
