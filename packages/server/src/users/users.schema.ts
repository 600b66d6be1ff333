import { type Static, Type } from 'typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';

/** Any address with one @ and no spaces: the only check worth making is sending mail to it. */
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: '^[^\\s@]+@[^\\s@]+$',
  description: 'An email address; compared without regard to case.',
});

export const Password = Type.String({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters.`,
});

export const PersonName = Type.String({ minLength: 1, maxLength: 200 });

export const OrganisationRole = Type.Union(
  [Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')],
  {
    description: 'owner: everything; admin: everything but owners; member: only their projects.',
  },
);

/** What a person is shown as; never the password hash. */
export const UserSummary = Type.Object(
  { id: Type.String(), email: Type.String(), name: Type.String() },
  { $id: 'UserSummary' },
);
export type UserSummary = Static<typeof UserSummary>;

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: OrganisationRole,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

export const CreateUser = Type.Object(
  {
    email: Email,
    name: PersonName,
    password: Password,
    role: Type.Optional(OrganisationRole),
  },
  { additionalProperties: false },
);
export type CreateUser = Static<typeof CreateUser>;

export const UpdateUser = Type.Object(
  {
    name: Type.Optional(PersonName),
    role: Type.Optional(OrganisationRole),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type UpdateUser = Static<typeof UpdateUser>;
