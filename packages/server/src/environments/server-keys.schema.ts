import { type Static, Type } from 'typebox';
import { Id, Ref } from '../http/schemas.js';

/** In lists `key` is masked but for its last 4 characters; only creation shows it whole, once. */
export const ServerKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    key: Type.String(),
    created_at: Type.String(),
  },
  { $id: 'ServerKey' },
);
export type ServerKey = Static<typeof ServerKey>;

export const CreateServerKey = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type CreateServerKey = Static<typeof CreateServerKey>;

export const ServerKeyParams = Type.Object({ id: Ref, keyId: Id });
