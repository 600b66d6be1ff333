import { type Static, Type } from 'typebox';
import { MAX_BATCH_ITEMS, MAX_NAME_LENGTH } from '../../events/events.service.js';
import {
  MAX_IDENTIFIER_LENGTH,
  MAX_TRAIT_KEY_LENGTH,
  MAX_TRAIT_STRING_LENGTH,
  MAX_TRAITS_PER_IDENTITY,
} from '../../identities/identity-limits.js';

/*
 * Statsig's wire format, as `@statsig/js-client` 3.x sends and reads it. Objects accept
 * properties not listed here: Statsig clients add fields from release to release
 * (deltas, checksums, session replay...) and a server that refused them would break every
 * client upgrade. Everything Pennon reads is typed and bounded.
 */

const Text = Type.String({ maxLength: MAX_TRAIT_STRING_LENGTH });
const Attribute = Type.Union([
  Text,
  Type.Number(),
  Type.Boolean(),
  Type.Array(Text, { maxItems: 100 }),
  Type.Null(),
]);
const Attributes = Type.Record(Type.String({ maxLength: MAX_TRAIT_KEY_LENGTH }), Attribute, {
  maxProperties: MAX_TRAITS_PER_IDENTITY,
});

export const StatsigUser = Type.Object({
  /** Typed as a string by Statsig; some apps pass numbers, which are read as their text. */
  userID: Type.Optional(
    Type.Union([Type.String({ maxLength: MAX_IDENTIFIER_LENGTH }), Type.Number(), Type.Null()]),
  ),
  customIDs: Type.Optional(
    Type.Record(
      Type.String({ maxLength: MAX_TRAIT_KEY_LENGTH }),
      Type.String({ maxLength: MAX_IDENTIFIER_LENGTH }),
      {
        maxProperties: 20,
      },
    ),
  ),
  email: Type.Optional(Text),
  ip: Type.Optional(Text),
  userAgent: Type.Optional(Text),
  country: Type.Optional(Text),
  locale: Type.Optional(Text),
  appVersion: Type.Optional(Text),
  custom: Type.Optional(Type.Union([Attributes, Type.Null()])),
  /** Used for evaluation and never logged or echoed back. */
  privateAttributes: Type.Optional(Type.Union([Attributes, Type.Null()])),
});
export type StatsigUser = Static<typeof StatsigUser>;

export const StatsigMetadata = Type.Object({
  stableID: Type.Optional(Type.String({ maxLength: MAX_IDENTIFIER_LENGTH })),
});

export const StatsigHashName = Type.Union([
  Type.Literal('djb2'),
  Type.Literal('sha256'),
  Type.Literal('none'),
]);

export const StatsigQuery = Type.Object({
  /** The client key. */
  k: Type.Optional(Type.String({ maxLength: 200 })),
  /** `1`: the body is Statsig-encoded. */
  se: Type.Optional(Type.String({ maxLength: 10 })),
  /** `1`: the body is gzipped. */
  gz: Type.Optional(Type.String({ maxLength: 10 })),
});
export type StatsigQuery = Static<typeof StatsigQuery>;

export const InitializeBody = Type.Object({
  user: Type.Optional(StatsigUser),
  hash: Type.Optional(StatsigHashName),
  /** The `time` of the response the client holds; nothing newer → `has_updates: false`. */
  sinceTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  statsigMetadata: Type.Optional(StatsigMetadata),
});
export type InitializeBody = Static<typeof InitializeBody>;

const SecondaryExposures = Type.Array(Type.Unknown());

export const GateEvaluation = Type.Object({
  name: Type.String(),
  value: Type.Boolean(),
  rule_id: Type.String(),
  secondary_exposures: SecondaryExposures,
  id_type: Type.String(),
});
export type GateEvaluation = Static<typeof GateEvaluation>;

export const ConfigEvaluation = Type.Object({
  name: Type.String(),
  value: Type.Record(Type.String(), Type.Unknown()),
  rule_id: Type.String(),
  group: Type.String(),
  group_name: Type.Optional(Type.String()),
  secondary_exposures: SecondaryExposures,
  id_type: Type.String(),
  is_device_based: Type.Boolean(),
  is_experiment_active: Type.Optional(Type.Boolean()),
  is_user_in_experiment: Type.Optional(Type.Boolean()),
  passed: Type.Boolean(),
});
export type ConfigEvaluation = Static<typeof ConfigEvaluation>;

/** `has_updates: false` answers carry nothing else but `time`. */
export const InitializeResponse = Type.Object({
  has_updates: Type.Boolean(),
  time: Type.Number(),
  feature_gates: Type.Optional(Type.Record(Type.String(), GateEvaluation)),
  dynamic_configs: Type.Optional(Type.Record(Type.String(), ConfigEvaluation)),
  layer_configs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  hash_used: Type.Optional(StatsigHashName),
  user: Type.Optional(Type.Unknown()),
  evaluated_keys: Type.Optional(Type.Unknown()),
  sdk_flags: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
  sdkParams: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  generator: Type.Optional(Type.String()),
});
export type InitializeResponse = Static<typeof InitializeResponse>;

export const StatsigEvent = Type.Object({
  eventName: Type.String({ maxLength: MAX_NAME_LENGTH }),
  user: Type.Optional(Type.Union([StatsigUser, Type.Null()])),
  value: Type.Optional(
    Type.Union([Type.String({ maxLength: MAX_TRAIT_STRING_LENGTH }), Type.Number(), Type.Null()]),
  ),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  /** Epoch milliseconds. */
  time: Type.Optional(Type.Number()),
  statsigMetadata: Type.Optional(StatsigMetadata),
});
export type StatsigEvent = Static<typeof StatsigEvent>;

export const RgstrBody = Type.Object({
  events: Type.Array(StatsigEvent, { maxItems: MAX_BATCH_ITEMS }),
  statsigMetadata: Type.Optional(StatsigMetadata),
});
export type RgstrBody = Static<typeof RgstrBody>;

export const RgstrResponse = Type.Object({ success: Type.Boolean() });

/** Statsig clients read only the status; the body says what went wrong for people. */
export const StatsigError = Type.Object({
  success: Type.Boolean(),
  code: Type.String(),
  message: Type.String(),
});
