import { invalid } from '../../errors.js';
import type { EventInput, ExposureInput, IngestBatch } from '../../events/events.service.js';
import { validateIdentifier, validateTraits } from '../../identities/identity-limits.js';
import type { IdentityRequest, TraitInput } from '../evaluation.service.js';
import type { RgstrBody, StatsigEvent, StatsigUser } from './statsig.schema.js';

/*
 * Statsig ↔ Pennon, in both directions:
 * - a Statsig user is a transient identity: `userID` (else the device's `stableID`) is the
 *   identifier; the well-known fields, `customIDs`, `custom` and `privateAttributes` are traits;
 * - boolean features are gates; every other feature is a dynamic config; multivariate ones
 *   are experiments, with the variant key as the group name;
 * - `rule_id` carries the engine's reason, and the variant (`…; variant=<key>`) for
 *   experiments, because an exposure the client logs names only the config and its rule id.
 */

export type StatsigIdType = 'userID' | 'stableID';

export interface StatsigUnit {
  unitId?: string;
  idType: StatsigIdType;
}

/** Top-level user fields that rules may target, under the same names as traits. */
const USER_FIELDS = ['email', 'ip', 'userAgent', 'country', 'locale', 'appVersion'] as const;

const VARIANT_SUFFIX = /^(.*); variant=([A-Za-z0-9_.-]+)$/s;

/**
 * The unit a Statsig user stands for: its `userID`, else its device's `stableID` (from
 * `customIDs`, else from the request's `statsigMetadata`, where the client puts it).
 */
export function statsigUnit(user: StatsigUser | null | undefined, fallbackStableId?: string): StatsigUnit {
  const userId = user?.userID;
  if (userId !== undefined && userId !== null && String(userId) !== '')
    return { unitId: String(userId), idType: 'userID' };
  const stableId = user?.customIDs?.stableID || fallbackStableId;
  if (stableId) return { unitId: stableId, idType: 'stableID' };
  return { idType: 'userID' };
}

/**
 * The identity to evaluate for a Statsig user, always transient: Statsig's model has no
 * stored traits, so nothing a client sends here is written. Throws `invalid` for an
 * identifier or traits Pennon would refuse from any client.
 */
export function statsigIdentity(
  user: StatsigUser | undefined,
  unit: StatsigUnit,
): IdentityRequest | undefined {
  if (!unit.unitId) return undefined;
  const identifierError = validateIdentifier(unit.unitId);
  if (identifierError) throw identifierError;
  // By key, in first-seen order, the last value winning: a user's fields, then its custom
  // ids, custom and private attributes. Called on every initialize: no entry arrays.
  const merged = new Map<string, TraitInput>();
  for (const field of USER_FIELDS) addTrait(merged, field, user?.[field]);
  addTraits(merged, user?.customIDs);
  addTraits(merged, user?.custom);
  addTraits(merged, user?.privateAttributes);
  const traits = [...merged.values()];
  const failure = validateTraits(traits);
  if (failure) throw failure;
  return { identifier: unit.unitId, traits, transient: true };
}

function addTraits(
  merged: Map<string, TraitInput>,
  record: Record<string, unknown> | null | undefined,
): void {
  if (record === undefined || record === null) return;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) addTrait(merged, keys[i], record[keys[i]]);
}

function addTrait(merged: Map<string, TraitInput>, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  // Statsig allows string arrays; traits are scalars, so they are kept as JSON text
  // (a CONTAINS condition on `"value"` then matches one element).
  const scalar = Array.isArray(value) ? JSON.stringify(value) : (value as string | number | boolean);
  merged.set(key, { key, value: scalar });
}

const EXPOSURE_FIELD: Record<string, 'gate' | 'config'> = {
  'statsig::gate_exposure': 'gate',
  'statsig::config_exposure': 'config',
  // Pennon serves no layers, but a client may still report one it was bootstrapped with.
  'statsig::layer_exposure': 'config',
};

/**
 * The SDK's own telemetry (initialisation timings, counts of checks made without exposure):
 * about the SDK, not the application's users, so it feeds no metric and is not stored.
 */
const SDK_TELEMETRY = new Set(['statsig::diagnostics', 'statsig::non_exposed_checks']);

/** Maps a `/rgstr` batch: exposure events become exposures, everything else events. */
export function rgstrBatch(body: RgstrBody): IngestBatch {
  const events: EventInput[] = [];
  const exposures: ExposureInput[] = [];
  body.events.forEach((event, index) => {
    if (SDK_TELEMETRY.has(event.eventName)) return;
    const unitId = statsigUnit(
      event.user,
      event.statsigMetadata?.stableID ?? body.statsigMetadata?.stableID,
    ).unitId;
    if (!unitId) {
      throw invalid(
        'invalid_event',
        `events[${index}] has no user.userID and no stableID to attribute it to.`,
        {
          field: `events[${index}].user`,
        },
      );
    }
    const field = EXPOSURE_FIELD[event.eventName];
    if (field) exposures.push(exposureInput(event, field, unitId, index));
    else events.push(eventInput(event, unitId));
  });
  return { events, exposures };
}

function exposureInput(
  event: StatsigEvent,
  field: 'gate' | 'config',
  unitId: string,
  index: number,
): ExposureInput {
  const metadata = event.metadata ?? {};
  const featureKey = metadata[field];
  if (typeof featureKey !== 'string' || featureKey === '') {
    throw invalid('invalid_exposure', `events[${index}].metadata.${field} must name the ${field}.`, {
      field: `events[${index}].metadata.${field}`,
    });
  }
  const ruleId = typeof metadata.ruleID === 'string' ? metadata.ruleID : '';
  const split = VARIANT_SUFFIX.exec(ruleId);
  const gateValue = metadata.gateValue;
  return {
    unitId,
    featureKey,
    variant: split ? split[2] : null,
    // Config exposures do not repeat the value; a gate's is its boolean.
    value: field === 'gate' && (gateValue === 'true' || gateValue === 'false') ? gateValue === 'true' : null,
    reason: split ? split[1] : ruleId || null,
    time: event.time,
  };
}

/**
 * Statsig event values may be strings (`logEvent('purchase', 'sku_1')`); `events.value` is
 * numeric, so a string value is kept in the properties as `value`.
 */
function eventInput(event: StatsigEvent, unitId: string): EventInput {
  const properties: Record<string, unknown> = { ...(event.metadata ?? {}) };
  if (typeof event.value === 'string') properties.value = event.value;
  return {
    unitId,
    name: event.eventName,
    value: typeof event.value === 'number' ? event.value : null,
    properties,
    time: event.time,
  };
}
