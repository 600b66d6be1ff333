import { type Static, Type } from 'typebox';
import { EnvironmentAccessSchema, ProjectRoleSchema } from '../auth/sessions.schema.js';
import { Id, Ref } from '../http/schemas.js';

/** An editor's limits per environment id; unlisted environments are 'edit'. Only editors have them. */
export const EnvironmentLimits = Type.Record(Id, EnvironmentAccessSchema, {
  maxProperties: 100,
  description: "Editors only: {environment id: 'edit' | 'propose' | 'view'}; unlisted means 'edit'.",
});

export const ProjectMember = Type.Object(
  {
    user_id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: ProjectRoleSchema,
    environments: Type.Record(Type.String(), EnvironmentAccessSchema),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'ProjectMember' },
);
export type ProjectMember = Static<typeof ProjectMember>;

export const AddProjectMember = Type.Object(
  { user_id: Id, role: ProjectRoleSchema, environments: Type.Optional(EnvironmentLimits) },
  { additionalProperties: false },
);
export type AddProjectMember = Static<typeof AddProjectMember>;

export const UpdateProjectMember = Type.Object(
  { role: Type.Optional(ProjectRoleSchema), environments: Type.Optional(EnvironmentLimits) },
  { additionalProperties: false },
);
export type UpdateProjectMember = Static<typeof UpdateProjectMember>;

export const MembersParams = Type.Object({ projectId: Ref });
export const MemberParams = Type.Object({ projectId: Ref, userId: Id });
