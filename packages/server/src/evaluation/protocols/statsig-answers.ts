import type { FlagResult } from '@pennon/engine';
import type { EvaluatedFlag, Evaluation, IdentityRequest } from '../evaluation.service.js';
import type { SdkAnswer } from '../sdk-answer.js';
import type { EnvironmentSnapshot, FeatureInfo } from '../snapshot.js';
import { typedFlag } from '../typed-value.js';
import type { InitializeBody, StatsigUser } from './statsig.schema.js';
import { hashName, type StatsigHash } from './statsig-hash.js';
import { type StatsigIdType, type StatsigUnit, statsigIdentity, statsigUnit } from './statsig-mapping.js';

/*
 * `POST /v1/initialize`'s input and answer, for both the Fastify route (statsig.routes.ts) and
 * the SDK fast lane (statsig.fast-lane.ts).
 *
 * The answer is written as bytes, to the byte what the route's response schema made of the
 * `InitializeResponse` object it used to return (statsig.schema.ts documents the shape):
 * - required fields first, then the optional ones, each in schema order;
 * - `feature_gates` and `dynamic_configs` list names in the order of a JS object's keys (names
 *   that are array indices, as every djb2 name is, ascending, then the others as inserted);
 *   a name repeated keeps its first place and its last entry; a name with a line break is
 *   left out (a feature named `__proto__` is a name like any other);
 * - a config's value lists its own keys in the same order, a key with a line break left out.
 * Everything that depends on the snapshot and the flag's outcome alone (each gate or config
 * entry under each hash and id type, each feature's hashed names, their places) is written once:
 * a request hashes no name and runs no generic serialiser; only the user it echoes and its
 * evaluated keys are written per request.
 */

/** The unit and identity an initialize body asks for; throws the refusal for a bad one. */
export function initializeInput(body: InitializeBody): { unit: StatsigUnit; identity?: IdentityRequest } {
  const unit = statsigUnit(body.user, body.statsigMetadata?.stableID);
  return { unit, identity: statsigIdentity(body.user, unit) };
}

const times = new WeakMap<EnvironmentSnapshot, number>();

/** The snapshot's last change in epoch milliseconds: the `time` of every answer. */
export function snapshotTime(snapshot: EnvironmentSnapshot): number {
  let time = times.get(snapshot);
  if (time === undefined) {
    time = Date.parse(snapshot.updatedAt);
    times.set(snapshot, time);
  }
  return time;
}

const NO_HEADERS = Object.freeze({});

/**
 * The answer to a client whose values are as new as `sinceTime`, when they are; undefined when
 * the snapshot changed since.
 */
export function notModifiedAnswer(
  snapshot: EnvironmentSnapshot,
  sinceTime: number | null | undefined,
): SdkAnswer | undefined {
  const time = snapshotTime(snapshot);
  if (typeof sinceTime !== 'number' || sinceTime < time) return undefined;
  return { headers: NO_HEADERS, body: `{"has_updates":false,"time":${time}}` };
}

/** The `/initialize` answer for one evaluation: every visible flag, names hashed as asked. */
export function initializeAnswer(evaluation: Evaluation, body: InitializeBody, unit: StatsigUnit): SdkAnswer {
  // Clients before `hash` existed looked names up by SHA-256.
  const hash = body.hash ?? 'sha256';
  const h = HASH_INDEX[hash];
  const layout = layoutOf(evaluation.snapshot, hash, h);
  const placed = new Array<Buffer | undefined>(layout.gates + layout.configs);
  const flags = evaluation.flags;
  const id = unit.idType === 'userID' ? 0 : 1;
  for (let i = 0; i < flags.length; i++) {
    const entry = entryOf(flags[i], layout, h);
    if (entry.place === undefined) continue;
    placed[entry.place] = entry.bytes[id] ?? encodeEntry(entry, flags[i], evaluation.snapshot, unit.idType);
  }
  const user = body.user;
  const tail = `},"layer_configs":{},"hash_used":"${hash}","user":${JSON.stringify(echoedUser(user))},"evaluated_keys":${evaluatedKeys(user)},"sdk_flags":{"enable_log_event_compression":true},"sdkParams":{},"generator":"pennon"}`;
  // One buffer, written in place: the entries, then the tail encoded straight into it.
  const gates = placedLength(placed, 0, layout.gates);
  const configs = placedLength(placed, layout.gates, placed.length);
  const fixed = layout.head.length + gates + BETWEEN.length + configs;
  const answer = Buffer.allocUnsafe(fixed + Buffer.byteLength(tail));
  answer.set(layout.head, 0);
  let offset = copyPlaced(answer, layout.head.length, placed, 0, layout.gates);
  answer.set(BETWEEN, offset);
  offset = copyPlaced(answer, offset + BETWEEN.length, placed, layout.gates, placed.length);
  answer.write(tail, offset);
  return { headers: NO_HEADERS, body: answer };
}

const BETWEEN = Buffer.from('},"dynamic_configs":{');

/** The length of the entries placed in `[from, to)`, the first without its comma. */
function placedLength(placed: (Buffer | undefined)[], from: number, to: number): number {
  let length = 0;
  for (let i = from; i < to; i++) length += placed[i]?.length ?? 0;
  return length === 0 ? 0 : length - 1;
}

/** Copies the entries placed in `[from, to)` to `target` at `offset`, the first without its comma. */
function copyPlaced(
  target: Buffer,
  offset: number,
  placed: (Buffer | undefined)[],
  from: number,
  to: number,
): number {
  let at = offset;
  for (let i = from; i < to; i++) {
    const bytes = placed[i];
    if (bytes === undefined) continue;
    if (at === offset) {
      target.set(bytes.subarray(1), at);
      at += bytes.length - 1;
    } else {
      target.set(bytes, at);
      at += bytes.length;
    }
  }
  return at;
}

/** `{userID?, customIDs}`, as `JSON.stringify` writes it (a null or absent userID left out). */
function evaluatedKeys(user: StatsigUser | undefined): string {
  const userId = user?.userID;
  const customIds = user?.customIDs ? JSON.stringify(user.customIDs) : '{}';
  return userId === undefined || userId === null
    ? `{"customIDs":${customIds}}`
    : `{"userID":${JSON.stringify(userId)},"customIDs":${customIds}}`;
}

/** The user as the client sent it, less what must never be echoed. */
function echoedUser(user: StatsigUser | undefined): object {
  if (user === undefined) return {};
  if (!Object.hasOwn(user, 'privateAttributes') && !Object.hasOwn(user, 'analyticsOnlyMetadata')) return user;
  const echoed: Record<string, unknown> = { ...user };
  delete echoed.privateAttributes;
  delete echoed.analyticsOnlyMetadata;
  return echoed;
}

// ---------------------------------------------------------------------------------------------
// Per snapshot and hash: where each feature's entry goes.

/** Per-snapshot and per-outcome texts are kept in arrays by hash. */
const HASH_INDEX: Readonly<Record<StatsigHash, number>> = { djb2: 0, sha256: 1, none: 2 };

interface Layout {
  /** `{"has_updates":true,"time":…,"feature_gates":{` */
  head: Buffer;
  /** Places `[0, gates)` are gates in answer order, then `configs` configs. */
  gates: number;
  configs: number;
  /** Each feature's place; none for a name the answer leaves out. */
  places: Map<FeatureInfo, number | undefined>;
  names: Map<FeatureInfo, string>;
}

const layouts = new WeakMap<EnvironmentSnapshot, (Layout | undefined)[]>();

/** What fast-json-stringify's `patternProperties: {'^.*$': …}` keeps: no line terminators. */
const ANY_LINE = /^.*$/;

function layoutOf(snapshot: EnvironmentSnapshot, hash: StatsigHash, h: number): Layout {
  let byHash = layouts.get(snapshot);
  if (byHash === undefined) {
    byHash = [undefined, undefined, undefined];
    layouts.set(snapshot, byHash);
  }
  let layout = byHash[h];
  if (layout === undefined) {
    layout = buildLayout(snapshot, hash);
    byHash[h] = layout;
  }
  return layout;
}

/**
 * Places are those of every feature's name, whether or not a request sees the feature: the
 * names a request has keep their relative order. (A repeated name takes its first feature's
 * place even when that feature is hidden; only djb2 names repeat, and they are array indices,
 * ordered by value, save the one name 4294967295.)
 */
function buildLayout(snapshot: EnvironmentSnapshot, hash: StatsigHash): Layout {
  const names = new Map<FeatureInfo, string>();
  // Ordered as V8 orders an object's keys (array indices ascending, then as inserted), as the
  // answer's maps were; without a prototype, so a feature named `__proto__` keeps its place.
  const gateKeys: Record<string, number> = Object.create(null);
  const configKeys: Record<string, number> = Object.create(null);
  for (const feature of snapshot.features.values()) {
    const name = hashName(feature.key, hash);
    names.set(feature, name);
    (feature.type === 'boolean' ? gateKeys : configKeys)[name] = 0;
  }
  const gateOrder = Object.keys(gateKeys).filter((name) => ANY_LINE.test(name));
  const configOrder = Object.keys(configKeys).filter((name) => ANY_LINE.test(name));
  const gatePlaces = new Map(gateOrder.map((name, i) => [name, i]));
  const configPlaces = new Map(configOrder.map((name, i) => [name, gateOrder.length + i]));
  const places = new Map<FeatureInfo, number | undefined>();
  for (const [feature, name] of names) {
    places.set(feature, (feature.type === 'boolean' ? gatePlaces : configPlaces).get(name));
  }
  return {
    head: Buffer.from(`{"has_updates":true,"time":${snapshotTime(snapshot)},"feature_gates":{`),
    gates: gateOrder.length,
    configs: configOrder.length,
    places,
    names,
  };
}

// ---------------------------------------------------------------------------------------------
// Per outcome, hash and id type: the entry's bytes.

interface Entry {
  /** Where the entry goes under this hash (see `Layout.places`). */
  place: number | undefined;
  name: string;
  /** `,"<name>":{…}` as UTF-8, for `userID` and for `stableID` units. */
  bytes: [Buffer | undefined, Buffer | undefined];
}

/** The engine hands out one frozen result per outcome of each feature, per snapshot. */
const entries = new WeakMap<FlagResult, (Entry | undefined)[]>();

function entryOf(flag: EvaluatedFlag, layout: Layout, h: number): Entry {
  let byHash = entries.get(flag.result);
  if (byHash === undefined) {
    byHash = [undefined, undefined, undefined];
    entries.set(flag.result, byHash);
  }
  let entry = byHash[h];
  if (entry === undefined) {
    // Every feature of the snapshot is in its layout, and flags come from the same snapshot.
    const name = layout.names.get(flag.feature) as string;
    entry = { place: layout.places.get(flag.feature), name, bytes: [undefined, undefined] };
    byHash[h] = entry;
  }
  return entry;
}

function encodeEntry(
  entry: Entry,
  flag: EvaluatedFlag,
  snapshot: EnvironmentSnapshot,
  idType: StatsigIdType,
): Buffer {
  const bytes = Buffer.from(
    `,${JSON.stringify(entry.name)}:${entryText(entry.name, flag, snapshot, idType)}`,
  );
  entry.bytes[idType === 'userID' ? 0 : 1] = bytes;
  return bytes;
}

/** A gate (boolean features) or a dynamic config (the others), as statsig.schema.ts has them. */
function entryText(
  name: string,
  flag: EvaluatedFlag,
  snapshot: EnvironmentSnapshot,
  idType: StatsigIdType,
): string {
  const typed = typedFlag(flag);
  const ruleId = JSON.stringify(typed.variant ? `${typed.reason}; variant=${typed.variant}` : typed.reason);
  const start = `{"name":${JSON.stringify(name)},"value":`;
  if (flag.feature.type === 'boolean') {
    return `${start}${typed.enabled},"rule_id":${ruleId},"secondary_exposures":[],"id_type":"${idType}"}`;
  }
  let text = `${start}${recordText(configValue(typed.value))},"rule_id":${ruleId},"group":${ruleId},"secondary_exposures":[],"id_type":"${idType}","is_device_based":${idType === 'stableID'},"passed":${typed.enabled}`;
  const features = snapshot.context.features ?? {};
  const variants = features[flag.feature.key]?.variants ?? [];
  if (typed.variant !== null || variants.length > 0) {
    text += `,"group_name":${JSON.stringify(typed.variant ?? 'control')},"is_experiment_active":${typed.enabled},"is_user_in_experiment":${typed.variant !== null}`;
  }
  return `${text}}`;
}

/**
 * Statsig configs are objects read with `get(param)`. A JSON object feature is served as it
 * is; any other value (string, number, array, null) is wrapped as `{value: <v>}`, read with
 * `config.get('value', fallback)`. A disabled feature has no value: `{}`, so every `get`
 * returns the caller's fallback (DESIGN.md §2).
 */
function configValue(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  return { value };
}

/** A config's value as the schema's `Record(String, Unknown)` writes it. */
function recordText(record: Record<string, unknown>): string {
  let text = '';
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (!ANY_LINE.test(key)) continue;
    text += `${text === '' ? '{' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return text === '' ? '{}' : `${text}}`;
}
