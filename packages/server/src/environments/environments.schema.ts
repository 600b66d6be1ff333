import { type Static, Type } from 'typebox';
import { Ref } from '../http/schemas.js';

export const Environment = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    key: Type.String(),
    name: Type.String(),
    /** Public: may sit in a web page; rotate it to cut off old copies. */
    client_key: Type.String(),
    hide_disabled_flags: Type.Boolean(),
    /** Client keys get back only the traits their request sent, never stored ones. */
    hide_sensitive_data: Type.Boolean(),
    /** Client keys may store traits; otherwise their traits count for the evaluation only. */
    allow_client_traits: Type.Boolean(),
    /** Approvals a change request needs here; null: changes go straight in. */
    requires_approval: Type.Union([Type.Integer(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Environment' },
);
export type Environment = Static<typeof Environment>;

/** Machine key, e.g. `production`. Fixed at creation: identity keys default to `<key>_<identifier>`. */
const EnvironmentKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const EnvironmentName = Type.String({ minLength: 1, maxLength: 200 });

/** Protection: how many other people must approve a change request before it can be committed. */
export const MAX_REQUIRED_APPROVALS = 20;
const RequiresApproval = Type.Union(
  [Type.Integer({ minimum: 1, maximum: MAX_REQUIRED_APPROVALS }), Type.Null()],
  {
    description:
      'Protects the environment: its feature states, segment overrides and identity overrides change only ' +
      'through change requests with this many approvals (by others than the author). Null: unprotected.',
  },
);

export const CreateEnvironment = Type.Object(
  {
    key: EnvironmentKey,
    name: EnvironmentName,
    hide_disabled_flags: Type.Optional(Type.Boolean()),
    hide_sensitive_data: Type.Optional(Type.Boolean()),
    allow_client_traits: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateEnvironment = Static<typeof CreateEnvironment>;

export const UpdateEnvironment = Type.Object(
  {
    name: Type.Optional(EnvironmentName),
    hide_disabled_flags: Type.Optional(Type.Boolean()),
    hide_sensitive_data: Type.Optional(Type.Boolean()),
    allow_client_traits: Type.Optional(Type.Boolean()),
    requires_approval: Type.Optional(RequiresApproval),
  },
  { additionalProperties: false },
);
export type UpdateEnvironment = Static<typeof UpdateEnvironment>;

export const ProjectParams = Type.Object({ projectId: Ref });
