import { type Static, Type } from 'typebox';
import { ActorView, ScheduledAt } from '../change-requests/change-requests.schema.js';
import { ChangeDiff, Changes, ChangesView } from '../change-sets/change-set.schema.js';
import { Id, PageQuery, Ref } from '../http/schemas.js';

const Status = Type.Union(
  [Type.Literal('pending'), Type.Literal('applied'), Type.Literal('failed'), Type.Literal('cancelled')],
  { description: 'pending → applied at its time, or failed (with the reason), or cancelled.' },
);

export const ScheduledChange = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    status: Status,
    author: ActorView,
    changes: ChangesView,
    scheduled_at: Type.String(),
    /** When it was applied: late if no server ran at `scheduled_at`. */
    applied_at: Type.Union([Type.String(), Type.Null()]),
    failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'ScheduledChange' },
);
export type ScheduledChange = Static<typeof ScheduledChange>;

export const ScheduledChangeDetail = Type.Object(
  { ...ScheduledChange.properties, diff: Type.Array(ChangeDiff) },
  { $id: 'ScheduledChangeDetail' },
);
export type ScheduledChangeDetail = Static<typeof ScheduledChangeDetail>;

export const CreateScheduledChange = Type.Object(
  { changes: Changes, scheduled_at: ScheduledAt },
  { additionalProperties: false },
);
export type CreateScheduledChange = Static<typeof CreateScheduledChange>;

export const ScheduledChangesQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(Status) },
  { additionalProperties: false },
);
export type ScheduledChangesQuery = Static<typeof ScheduledChangesQuery>;

export const ScheduledChangeParams = Type.Object({ environmentId: Ref, id: Id });
