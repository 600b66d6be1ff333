import { type Static, Type } from 'typebox';

export const Organisation = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Type.String(),
  },
  { $id: 'Organisation' },
);
export type Organisation = Static<typeof Organisation>;

export const UpdateOrganisation = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type UpdateOrganisation = Static<typeof UpdateOrganisation>;
