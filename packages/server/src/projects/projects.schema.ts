import { type Static, Type } from 'typebox';

export const Project = Type.Object(
  {
    id: Type.String(),
    organisation_id: Type.String(),
    name: Type.String(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Project' },
);
export type Project = Static<typeof Project>;

const ProjectName = Type.String({ minLength: 1, maxLength: 200 });

export const CreateProject = Type.Object({ name: ProjectName }, { additionalProperties: false });
export type CreateProject = Static<typeof CreateProject>;

export const UpdateProject = Type.Object(
  { name: Type.Optional(ProjectName) },
  { additionalProperties: false },
);
export type UpdateProject = Static<typeof UpdateProject>;
