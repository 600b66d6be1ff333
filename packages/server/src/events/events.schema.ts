import { type Static, Type } from 'typebox';
import { MAX_IDENTIFIER_LENGTH } from '../identities/identity-limits.js';
import {
  MAX_BATCH_ITEMS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_NAME_LENGTH,
  MAX_REASON_LENGTH,
} from './events.service.js';

/**
 * Event batches are the one SDK payload that is not small: 1000 items with properties of up
 * to 8 KiB each. Ingestion routes raise the body limit to this; everything else keeps the
 * application's.
 */
export const EVENTS_BODY_LIMIT_BYTES = 1024 * 1024;

const UnitId = Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH });
const Name = Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH });
/** Epoch milliseconds, or an ISO-8601 date-time. */
const Time = Type.Union([Type.Number(), Type.String({ format: 'date-time', maxLength: 40 })]);
/** Set by the SDK once per item and kept across retries, so a retried batch is stored once. */
const IdempotencyKey = Type.String({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH });

export const NativeEvent = Type.Object(
  {
    unit_id: UnitId,
    name: Name,
    value: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    properties: Type.Optional(Type.Record(Type.String({ maxLength: MAX_NAME_LENGTH }), Type.Unknown())),
    time: Type.Optional(Time),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);
export type NativeEvent = Static<typeof NativeEvent>;

export const NativeExposure = Type.Object(
  {
    unit_id: UnitId,
    /** The feature key. */
    flag: Name,
    variant: Type.Optional(Type.Union([Name, Type.Null()])),
    value: Type.Optional(Type.Unknown()),
    reason: Type.Optional(Type.Union([Type.String({ maxLength: MAX_REASON_LENGTH }), Type.Null()])),
    time: Type.Optional(Time),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);
export type NativeExposure = Static<typeof NativeExposure>;

export const NativeEventsBody = Type.Object(
  {
    events: Type.Optional(Type.Array(NativeEvent, { maxItems: MAX_BATCH_ITEMS })),
    exposures: Type.Optional(Type.Array(NativeExposure, { maxItems: MAX_BATCH_ITEMS })),
  },
  { additionalProperties: false },
);
export type NativeEventsBody = Static<typeof NativeEventsBody>;

/** `accepted` counts every item of the batch; `duplicates` those already stored before. */
export const AcceptedResponse = Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() });
