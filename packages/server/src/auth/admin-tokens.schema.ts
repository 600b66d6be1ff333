import { type Static, Type } from 'typebox';

/** Tokens act for an organisation as a whole: owner or admin (a member's rights are per project). */
export const TokenRole = Type.Union([Type.Literal('owner'), Type.Literal('admin')], {
  description: "The token's organisation role: owner (everything) or admin (everything but owners).",
});

/** Lists never carry the token or its digest. */
export const AdminToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: TokenRole,
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
    role: TokenRole,
    created_at: Type.String(),
    token: Type.String(),
  },
  { $id: 'CreatedAdminToken' },
);
export type CreatedAdminToken = Static<typeof CreatedAdminToken>;

export const CreateAdminToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Optional({ ...TokenRole, description: "Not above the creator's role; defaults to it." }),
  },
  { additionalProperties: false },
);
export type CreateAdminToken = Static<typeof CreateAdminToken>;
