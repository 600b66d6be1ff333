import { type Static, Type } from 'typebox';
import { ChangeDiff, Changes, ChangesView } from '../change-sets/change-set.schema.js';
import { Id, PageQuery, Ref } from '../http/schemas.js';

const Status = Type.Union(
  [
    Type.Literal('open'),
    Type.Literal('approved'),
    Type.Literal('committed'),
    Type.Literal('rejected'),
    Type.Literal('cancelled'),
    Type.Literal('failed'),
  ],
  {
    description:
      'open → approved (enough approvals) → committed; or rejected, cancelled (by the author), failed (a scheduled commit that could not apply).',
  },
);

/** Who proposed, approved or closed a request: an admin token, a user, or the scheduler. */
export const ActorView = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('system')]),
  id: Type.String(),
});

/** RFC 3339 with a time zone, e.g. `2030-01-31T09:00:00Z`. */
export const ScheduledAt = Type.String({
  format: 'date-time',
  description:
    'When to apply, RFC 3339 with a time zone (e.g. `2030-01-31T09:00:00Z`); a past time means at once.',
});

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 4000 });

export const ChangeRequest = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    status: Status,
    /** Grows with every new version of the changes; approvals are for the current one. */
    revision: Type.Integer(),
    author: ActorView,
    changes: ChangesView,
    scheduled_at: Type.Union([Type.String(), Type.Null()]),
    approvals: Type.Array(Type.Object({ actor: ActorView, approved_at: Type.String() })),
    required_approvals: Type.Integer(),
    closed_by: Type.Union([ActorView, Type.Null()]),
    closed_at: Type.Union([Type.String(), Type.Null()]),
    /** Why a scheduled commit failed. */
    failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'ChangeRequest' },
);
export type ChangeRequest = Static<typeof ChangeRequest>;

export const ChangeRequestDetail = Type.Object(
  {
    ...ChangeRequest.properties,
    /** Per change, in order: the target now and after the change. */
    diff: Type.Array(ChangeDiff),
  },
  { $id: 'ChangeRequestDetail' },
);
export type ChangeRequestDetail = Static<typeof ChangeRequestDetail>;

export const CreateChangeRequest = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    changes: Changes,
    scheduled_at: Type.Optional(ScheduledAt),
  },
  { additionalProperties: false },
);
export type CreateChangeRequest = Static<typeof CreateChangeRequest>;

/** New changes or a new time make a new revision, and approvals start again. */
export const ReviseChangeRequest = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    changes: Type.Optional(Changes),
    scheduled_at: Type.Optional(Type.Union([ScheduledAt, Type.Null()])),
  },
  { additionalProperties: false },
);
export type ReviseChangeRequest = Static<typeof ReviseChangeRequest>;

/** `?revision=` on approve: what the approver reviewed. */
export const ApproveQuery = Type.Object(
  {
    revision: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The revision reviewed; refused (409) if the author has revised it since.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApproveQuery = Static<typeof ApproveQuery>;

export const ChangeRequestsQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
export type ChangeRequestsQuery = Static<typeof ChangeRequestsQuery>;

export const ChangeRequestParams = Type.Object({ environmentId: Ref, id: Id });
