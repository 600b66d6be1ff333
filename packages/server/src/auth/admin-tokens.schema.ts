import { type Static, Type } from 'typebox';

/** Lists never carry the token or its digest. */
export const AdminToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Type.String(),
  },
  { $id: 'AdminToken' },
);
export type AdminToken = Static<typeof AdminToken>;

/** The answer to creation: the only time the token itself is shown. */
export const CreatedAdminToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Type.String(),
    token: Type.String(),
  },
  { $id: 'CreatedAdminToken' },
);
export type CreatedAdminToken = Static<typeof CreatedAdminToken>;

export const CreateAdminToken = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type CreateAdminToken = Static<typeof CreateAdminToken>;
