import { type Static, Type } from 'typebox';
import { Id, PageQuery } from '../http/schemas.js';
import { ACTOR_KINDS, RESOURCE_TYPES } from './audit-vocabulary.js';

export type { ResourceType } from './audit-vocabulary.js';

/**
 * Besides create/update/delete: what else a service does to a resource. An invitation is
 * `accept`ed (as the new person); a change request is `approve`d, `reject`ed, `cancel`led,
 * `commit`ted, or `fail`s when the scheduler cannot commit it at its time; a scheduled change
 * is `cancel`led, `apply`d or `fail`s. What a commit or an application changes is recorded
 * too, each change under its own resource: a person's commit as that person, the scheduler's
 * as the author who asked for it; the lifecycle step itself (`commit`, `apply`, `fail` at its
 * time) is the scheduler's (`system`/`scheduler`).
 */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'rotate_key',
  'start',
  'stop',
  'import',
  'accept',
  'approve',
  'reject',
  'cancel',
  'commit',
  'apply',
  'fail',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditRecord = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ description: 'ISO time the change was made.' }),
    actor: Type.Object({
      kind: Type.Enum([...ACTOR_KINDS]),
      id: Type.String({ description: 'User id, admin token id, or the system process (e.g. `pennon`).' }),
    }),
    resource_type: Type.Enum([...RESOURCE_TYPES]),
    resource_id: Type.String(),
    action: Type.Enum([...AUDIT_ACTIONS]),
    project_id: Type.Union([Type.String(), Type.Null()]),
    environment_id: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown({ description: 'The resource as the API showed it before; null for a creation.' }),
    after: Type.Unknown({ description: 'The resource as the API shows it after; null for a deletion.' }),
  },
  { $id: 'AuditRecord' },
);
export type AuditRecord = Static<typeof AuditRecord>;

/** ISO-8601 date-time with an offset, e.g. `2026-03-02T09:15:00Z`. */
const Time = (description: string) => Type.String({ format: 'date-time', maxLength: 40, description });

export const AuditQuery = Type.Object(
  {
    ...PageQuery.properties,
    resource_type: Type.Optional(Type.Enum([...RESOURCE_TYPES])),
    resource_id: Type.Optional(Id),
    project_id: Type.Optional(Id),
    environment_id: Type.Optional(Id),
    actor_kind: Type.Optional(Type.Enum([...ACTOR_KINDS])),
    actor_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Time('Only records at or after this time, e.g. `2026-03-02T09:15:00Z`.')),
    to: Type.Optional(Time('Only records before this time.')),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditParams = Type.Object({ id: Id });
