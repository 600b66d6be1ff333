import { type Static, Type } from 'typebox';

/** Shared pieces of route schemas; they drive validation and the OpenAPI document alike. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });

export const IdParams = Type.Object({ id: Id });

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

export function Page<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

export interface PageResult<T> {
  items: T[];
  next_cursor: string | null;
}

/** Free-form JSON value of a flag or variant. */
export const JsonValue = Type.Unknown();

/** Error responses every admin route can give, for the OpenAPI document. */
export const adminErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** `?force=true` confirms a change that a running experiment would otherwise refuse. */
export const ForceQuery = Type.Object(
  {
    force: Type.Optional(
      Type.Boolean({ description: 'Confirm a change that a running experiment refuses; it is recorded.' }),
    ),
  },
  { additionalProperties: false },
);
