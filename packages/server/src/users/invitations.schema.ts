import { type Static, Type } from 'typebox';
import { ProjectRoleSchema } from '../auth/sessions.schema.js';
import { Ref } from '../http/schemas.js';
import { EnvironmentLimits } from '../projects/project-members.schema.js';
import { Email, OrganisationRole, Password, PersonName } from './users.schema.js';

const InvitedProject = Type.Object(
  { project_id: Ref, role: ProjectRoleSchema, environments: Type.Optional(EnvironmentLimits) },
  { additionalProperties: false },
);

export const CreateInvitation = Type.Object(
  {
    email: Email,
    organisation_role: Type.Optional(OrganisationRole),
    projects: Type.Optional(Type.Array(InvitedProject, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type CreateInvitation = Static<typeof CreateInvitation>;

/** The answer to creating one: the only time the link's token is shown. */
export const CreatedInvitation = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    url: Type.String({
      description: 'The link to send; the token travels in its fragment, never to a server log.',
    }),
    token: Type.String(),
    expires_at: Type.String(),
  },
  { $id: 'CreatedInvitation' },
);
export type CreatedInvitation = Static<typeof CreatedInvitation>;

export const Invitation = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    organisation_role: OrganisationRole,
    projects: Type.Array(
      Type.Object({
        project_id: Type.String(),
        role: ProjectRoleSchema,
        environments: Type.Optional(Type.Record(Type.String(), Type.String())),
      }),
    ),
    created_at: Type.String(),
    expires_at: Type.String(),
  },
  { $id: 'Invitation' },
);
export type Invitation = Static<typeof Invitation>;

export const AcceptInvitation = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), name: PersonName, password: Password },
  { additionalProperties: false },
);
export type AcceptInvitation = Static<typeof AcceptInvitation>;
