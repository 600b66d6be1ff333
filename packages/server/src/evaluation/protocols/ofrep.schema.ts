import { type Static, Type } from 'typebox';

/**
 * OFREP v1 wire shapes, as `@openfeature/ofrep-core` reads and writes them. The context is an
 * open object: `targetingKey` plus attributes, checked by `validateIdentifier` and
 * `validateTraits` (one source of truth for identity limits), not re-described here.
 */
export const OfrepContext = Type.Object(
  { targetingKey: Type.Optional(Type.Unknown()) },
  { additionalProperties: true },
);
export type OfrepContext = Static<typeof OfrepContext>;

export const OfrepEvaluateBody = Type.Object(
  { context: Type.Optional(OfrepContext) },
  { additionalProperties: false },
);
export type OfrepEvaluateBody = Static<typeof OfrepEvaluateBody>;

/** The router caps params at 500 characters; longer keys cannot exist, so no pattern: any miss is FLAG_NOT_FOUND. */
export const OfrepFlagParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 500 }) });

/**
 * What the web provider appends after an SSE `refetchEvaluation` event (ADR-0008). Accepted and
 * ignored: every replica rebuilds from the same database, so there is no diff to serve. Other
 * parameters pass too, since the provider's `query` option lets applications add their own.
 */
export const OfrepBulkQuery = Type.Object(
  {
    flagConfigEtag: Type.Optional(Type.String({ maxLength: 200 })),
    flagConfigLastModified: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: true },
);

export const OfrepStreamQuery = Type.Object({ key: Type.Optional(Type.String({ maxLength: 200 })) });

const Metadata = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]));

export const OfrepFlag = Type.Object({
  key: Type.String(),
  /** Absent for a disabled non-boolean flag: the caller's default applies (OFREP protocol#46). */
  value: Type.Optional(Type.Unknown()),
  reason: Type.String(),
  variant: Type.Optional(Type.String()),
  metadata: Type.Optional(Metadata),
});
export type OfrepFlag = Static<typeof OfrepFlag>;

export const OfrepEventStream = Type.Object({
  type: Type.Literal('sse'),
  url: Type.String(),
  /** The same stream relative to the OFREP base URL's origin, for clients behind a rewriting proxy. */
  endpoint: Type.Object({ requestUri: Type.String() }),
});

export const OfrepBulkResponse = Type.Object({
  flags: Type.Array(OfrepFlag),
  eventStreams: Type.Optional(Type.Array(OfrepEventStream)),
});
export type OfrepBulkResponse = Static<typeof OfrepBulkResponse>;

export const OfrepFlagError = Type.Object({
  key: Type.String(),
  errorCode: Type.String(),
  errorDetails: Type.Optional(Type.String()),
  metadata: Type.Optional(Metadata),
});

export const OfrepBulkError = Type.Object({
  errorCode: Type.String(),
  errorDetails: Type.Optional(Type.String()),
  metadata: Type.Optional(Metadata),
});

/** OFREP error bodies are sent by the plugin's own error handler; listed for the OpenAPI document. */
export const ofrepFlagErrors = {
  400: OfrepFlagError,
  401: OfrepFlagError,
  403: OfrepFlagError,
  404: OfrepFlagError,
  429: OfrepFlagError,
};
export const ofrepBulkErrors = {
  400: OfrepBulkError,
  401: OfrepBulkError,
  403: OfrepBulkError,
  429: OfrepBulkError,
};
