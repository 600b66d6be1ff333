import { invalid } from '../errors.js';
import { MAX_IDENTIFIER_LENGTH } from '../identities/identity-limits.js';
import { newId } from '../shared/ids.js';
import { isStorableText } from '../shared/storable-text.js';
import type { EventRow, ExposureRow } from '../storage/tables.js';

/** Items (events + exposures) in one batch. SDKs flush in batches of at most this many. */
export const MAX_BATCH_ITEMS = 1000;
/** Event names, feature keys, variant keys. */
export const MAX_NAME_LENGTH = 200;
export const MAX_REASON_LENGTH = 500;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** An event's properties, serialised as JSON. */
export const MAX_PROPERTIES_BYTES = 8 * 1024;
/** An exposure's value, serialised: as large as a feature's value may be. */
export const MAX_EXPOSURE_VALUE_BYTES = 64 * 1024;
/** Clocks drift; a time further ahead than this is a bug (seconds sent as milliseconds...). */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** Offline SDKs replay old buffers, but nothing older than this is worth a metric. */
export const MAX_PAST_MS = 365 * 24 * 60 * 60 * 1000;

/** The protocol a batch arrived by, kept with every row. */
export type EventSource = 'native' | 'statsig' | 'flagsmith' | 'ofrep';

export interface EventInput {
  unitId: string;
  name: string;
  value?: number | null;
  properties?: Record<string, unknown> | null;
  /** Epoch milliseconds; the time of receipt when absent. */
  time?: number;
  /** The sender's key for this event: a retried item with the same key is stored once. */
  idempotencyKey?: string | null;
}

export interface ExposureInput {
  unitId: string;
  featureKey: string;
  variant?: string | null;
  /** The value the unit saw, any JSON; unknown when absent. */
  value?: unknown;
  reason?: string | null;
  /** Epoch milliseconds; the time of receipt when absent. */
  time?: number;
  /** The sender's key for this exposure: a retried item with the same key is stored once. */
  idempotencyKey?: string | null;
}

export interface IngestBatch {
  events?: readonly EventInput[];
  exposures?: readonly ExposureInput[];
}

/**
 * Where a validated batch goes: the database (`EventsRepository`), or the upstream server
 * through a bounded buffer (`pennon edge`). Returns how many items were new.
 */
export interface EventStore {
  insertBatch(events: readonly EventRow[], exposures: readonly ExposureRow[]): Promise<number>;
}

/**
 * Ingestion of events and exposures, the one path every SDK and protocol uses (DESIGN.md §6).
 * A batch is validated whole and stored whole: one bad item rejects it and nothing is kept,
 * and `{accepted}` is returned only after the transaction committed, so an SDK that hears
 * back may drop its copy and one that does not may safely retry: items that carry an
 * idempotency key already stored are dropped, and counted in `duplicates`.
 */
export class EventsService {
  constructor(
    private readonly repository: EventStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * @example
   * await events.ingest(environmentId, {
   *   events: [{ unitId: 'user-1', name: 'purchase', value: 9.99, properties: { sku: 'a1' } }],
   *   exposures: [{ unitId: 'user-1', featureKey: 'checkout', variant: 'blue', value: 'blue' }],
   * }, 'native'); // → { accepted: 2, duplicates: 0 }
   */
  async ingest(
    environmentId: string,
    batch: IngestBatch,
    source: EventSource,
  ): Promise<{ accepted: number; duplicates: number }> {
    const events = batch.events ?? [];
    const exposures = batch.exposures ?? [];
    const total = events.length + exposures.length;
    if (total > MAX_BATCH_ITEMS) {
      throw invalid(
        'batch_too_large',
        `A batch holds at most ${MAX_BATCH_ITEMS} events and exposures (got ${total}).`,
      );
    }
    const now = this.clock();
    const receivedAt = new Date(now).toISOString();
    const eventRows = events.map((event, index) =>
      eventRow(environmentId, event, `events[${index}]`, now, receivedAt, source),
    );
    const exposureRows = exposures.map((exposure, index) =>
      exposureRow(environmentId, exposure, `exposures[${index}]`, now, receivedAt, source),
    );
    const stored = await this.repository.insertBatch(eventRows, exposureRows);
    return { accepted: total, duplicates: total - stored };
  }
}

function eventRow(
  environmentId: string,
  input: EventInput,
  where: string,
  now: number,
  receivedAt: string,
  source: EventSource,
): EventRow {
  const value = input.value ?? null;
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw invalid('invalid_event', `${where}.value must be a finite number or null.`, {
      field: `${where}.value`,
    });
  }
  const properties = input.properties ?? {};
  if (typeof properties !== 'object' || Array.isArray(properties)) {
    throw invalid('invalid_event', `${where}.properties must be a JSON object.`, {
      field: `${where}.properties`,
    });
  }
  const serialised = JSON.stringify(properties);
  if (Buffer.byteLength(serialised) > MAX_PROPERTIES_BYTES) {
    throw invalid(
      'properties_too_large',
      `${where}.properties is larger than ${MAX_PROPERTIES_BYTES} bytes as JSON.`,
      {
        field: `${where}.properties`,
      },
    );
  }
  return {
    id: newId(now),
    environment_id: environmentId,
    unit_id: unitId(input.unitId, where),
    name: text(input.name, `${where}.name`, MAX_NAME_LENGTH, 'invalid_event'),
    value,
    properties: serialised,
    occurred_ms: occurredMs(input.time, `${where}.time`, now),
    received_at: receivedAt,
    source,
    idempotency_key: idempotencyKey(input.idempotencyKey, where, 'invalid_event'),
  };
}

function exposureRow(
  environmentId: string,
  input: ExposureInput,
  where: string,
  now: number,
  receivedAt: string,
  source: EventSource,
): ExposureRow {
  // JSON.stringify(undefined) is undefined: an exposure whose value nobody reported stores JSON null.
  const value = JSON.stringify(input.value ?? null);
  if (Buffer.byteLength(value) > MAX_EXPOSURE_VALUE_BYTES) {
    throw invalid(
      'invalid_exposure',
      `${where}.value is larger than ${MAX_EXPOSURE_VALUE_BYTES} bytes as JSON.`,
      {
        field: `${where}.value`,
      },
    );
  }
  const optional = (raw: string | null | undefined, field: string, max: number) =>
    raw === undefined || raw === null || raw === ''
      ? null
      : text(raw, `${where}.${field}`, max, 'invalid_exposure');
  return {
    id: newId(now),
    environment_id: environmentId,
    unit_id: unitId(input.unitId, where),
    feature_key: text(input.featureKey, `${where}.feature_key`, MAX_NAME_LENGTH, 'invalid_exposure'),
    variant: optional(input.variant, 'variant', MAX_NAME_LENGTH),
    value,
    reason: optional(input.reason, 'reason', MAX_REASON_LENGTH),
    occurred_ms: occurredMs(input.time, `${where}.time`, now),
    received_at: receivedAt,
    source,
    idempotency_key: idempotencyKey(input.idempotencyKey, where, 'invalid_exposure'),
  };
}

function idempotencyKey(raw: string | null | undefined, where: string, code: string): string | null {
  if (raw === undefined || raw === null) return null;
  return text(raw, `${where}.idempotency_key`, MAX_IDEMPOTENCY_KEY_LENGTH, code);
}

function unitId(raw: unknown, where: string): string {
  const code = where.startsWith('events') ? 'invalid_event' : 'invalid_exposure';
  return text(raw, `${where}.unit_id`, MAX_IDENTIFIER_LENGTH, code);
}

/** A non-empty string both dialects store unchanged (PostgreSQL refuses NUL; lone surrogates would be mangled). */
function text(raw: unknown, field: string, max: number, code: string): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw invalid(code, `${field} must be a non-empty string.`, { field });
  }
  if (!isStorableText(raw)) {
    throw invalid(code, `${field} contains a NUL character or an unpaired surrogate.`, { field });
  }
  if (codePoints(raw) > max) throw invalid(code, `${field} is longer than ${max} characters.`, { field });
  return raw;
}

/** Whole milliseconds, as `Date` keeps them: a fraction is dropped, the same as before storage took integers. */
function occurredMs(time: number | undefined, field: string, now: number): number {
  if (time === undefined) return Math.trunc(now);
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw invalid('invalid_time', `${field} must be epoch milliseconds.`, { field });
  }
  if (time > now + MAX_FUTURE_MS || time < now - MAX_PAST_MS) {
    throw invalid('invalid_time', `${field} is more than a day ahead or a year behind the server's clock.`, {
      field,
    });
  }
  return Math.trunc(time);
}

/** Lengths count code points, as JSON Schema `maxLength` does, so schemas and this agree. */
function codePoints(value: string): number {
  if (!/[\uD800-\uDFFF]/.test(value)) return value.length;
  let count = 0;
  for (const _ of value) count++;
  return count;
}
