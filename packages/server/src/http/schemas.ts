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

/**
 * Where an admin route takes an id it also takes the name people know the thing by: a
 * project's name, an environment's or feature's key, a segment's name, an identity's
 * identifier (any text an SDK accepts, URL-encoded in paths). An id wins over a name that
 * looks like one. Each concept resolves it in its `*-lookup.ts`.
 */
export const Ref = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: 'An id, or the key, name or identifier of the thing (URL-encoded in paths).',
});

export const RefParams = Type.Object({ id: Ref });

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
