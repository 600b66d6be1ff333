import { type Static, Type } from 'typebox';
import { Ref } from '../http/schemas.js';

export const MAX_USAGE_DAYS = 365;

export const FlagUsageQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_USAGE_DAYS,
        default: 30,
        description: 'How many days back, today (UTC) included.',
      }),
    ),
    feature_id: Type.Optional(Ref),
  },
  { additionalProperties: false },
);
export type FlagUsageQuery = Static<typeof FlagUsageQuery>;

const Day = Type.String({ description: 'A UTC day, YYYY-MM-DD.' });

export const FeatureUsage = Type.Object({
  feature_id: Type.String(),
  feature_key: Type.String(),
  /** Evaluations SDKs reported in the window. */
  total: Type.Integer(),
  /** The last day in the window with any; null when none (a candidate for a stale flag). */
  last_evaluated: Type.Union([Day, Type.Null()]),
  /** Days with evaluations only, oldest first; days absent had none. */
  daily: Type.Array(Type.Object({ day: Day, count: Type.Integer() })),
});
export type FeatureUsage = Static<typeof FeatureUsage>;

export const FlagUsage = Type.Object(
  { from: Day, to: Day, items: Type.Array(FeatureUsage) },
  { $id: 'FlagUsage' },
);
export type FlagUsage = Static<typeof FlagUsage>;
