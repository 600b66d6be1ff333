import { type Static, Type } from 'typebox';
import { Email, OrganisationRole, UserSummary } from '../users/users.schema.js';

export const SignIn = Type.Object(
  {
    email: Email,
    // Any length up to the limit: a sign-in must not say which rule a wrong password breaks.
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type SignIn = Static<typeof SignIn>;

/** The answer to sign-in and to accepting an invitation; the session itself is in the cookie. */
export const SignedIn = Type.Object(
  {
    user: UserSummary,
    csrf_token: Type.String({ description: 'Send it as `x-csrf-token` on every POST/PUT/PATCH/DELETE.' }),
  },
  { $id: 'SignedIn' },
);
export type SignedIn = Static<typeof SignedIn>;

export const ProjectRoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('editor'),
  Type.Literal('viewer'),
]);
export const EnvironmentAccessSchema = Type.Union([
  Type.Literal('edit'),
  Type.Literal('propose'),
  Type.Literal('view'),
]);

export const Me = Type.Object(
  {
    user: Type.Union([UserSummary, Type.Null()], { description: 'null for an admin token' }),
    csrf_token: Type.Union([Type.String(), Type.Null()], { description: 'null for an admin token' }),
    organisation: Type.Object({ id: Type.String(), name: Type.String() }),
    organisation_role: OrganisationRole,
    projects: Type.Array(
      Type.Object({
        project_id: Type.String(),
        project_name: Type.String(),
        role: ProjectRoleSchema,
        environments: Type.Record(Type.String(), EnvironmentAccessSchema),
      }),
    ),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;

export const Session = Type.Object(
  {
    id: Type.String(),
    current: Type.Boolean({ description: 'The session this request came with.' }),
    user_agent: Type.String(),
    ip: Type.String(),
    created_at: Type.String(),
    last_used_at: Type.String(),
    expires_at: Type.String(),
  },
  { $id: 'Session' },
);
export type Session = Static<typeof Session>;
