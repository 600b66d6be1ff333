// Seeded generator of the standing benchmark workload (DESIGN.md §8): the configuration of
// Flagsmith's published Edge Proxy benchmark — 50 features (10 multivariate), 15 segments of
// 15 conditions each, 750 identity overrides — as a Flagsmith environment document, plus a
// population of identities to evaluate against it.
//
// Everything is a pure function of the seed (mulberry32; no Math.random, no clock, no
// crypto.randomUUID), so two runs with the same seed see byte-identical documents.
//
// The document is mapped to the evaluation context by flagsmith-nodejs's own mapper, so Pennon
// and Flagsmith's engine are fed exactly the same context.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// flagsmith-nodejs internals. The package's `exports` only exposes its SDK root, so the engine
// modules are imported by file URL.

function flagsmithRoot() {
  const require = createRequire(import.meta.url);
  try {
    // `main` points at build/cjs/index.js; the package root is two levels up.
    return join(dirname(require.resolve('flagsmith-nodejs')), '..', '..');
  } catch {
    const local = new URL('../node_modules/flagsmith-nodejs/', import.meta.url);
    if (existsSync(local)) return local.pathname;
    throw new Error('flagsmith-nodejs is not installed (it is a dependency of bench/)');
  }
}

const FLAGSMITH_ENGINE_DIR = join(flagsmithRoot(), 'build', 'esm', 'flagsmith-engine');

/** Import a module of flagsmith-nodejs's engine, e.g. `flagsmithEngineModule('index.js')`. */
export function flagsmithEngineModule(relativePath) {
  return import(pathToFileURL(join(FLAGSMITH_ENGINE_DIR, relativePath)).href);
}

const { buildEnvironmentModel } = await flagsmithEngineModule('environments/util.js');
const { getEvaluationContext } = await flagsmithEngineModule('evaluation/evaluationContext/mappers.js');
const { IdentityModel } = await flagsmithEngineModule('identities/models.js');
const { TraitModel } = await flagsmithEngineModule('identities/traits/models.js');
const { getIdentitySegments } = await flagsmithEngineModule('segments/evaluators.js');

export { buildEnvironmentModel };

// ---------------------------------------------------------------------------------------------
// Seeded randomness.

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive an independent stream seed from a seed and a label (FNV-1a over the label). */
function subSeed(seed, label) {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function makeRng(seed, label) {
  const next = mulberry32(subSeed(seed, label));
  const rng = {
    next,
    /** integer in [lo, hi] */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** pick from [[item, weight], ...] */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [item, w] of pairs) {
        r -= w;
        if (r < 0) return item;
      }
      return pairs[pairs.length - 1][0];
    },
    shuffle: (arr) => {
      const a = [...arr];
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    },
    sample: (arr, k) => rng.shuffle(arr).slice(0, k),
    uuid: () => {
      let hex = '';
      for (let i = 0; i < 4; i++) hex += ((next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
      const variant = (8 + Math.floor(next() * 4)).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Workload shape.

export const WORKLOAD = Object.freeze({
  features: 50,
  multivariateFeatures: 10,
  segments: 15,
  conditionsPerSegment: 15,
  identityOverrides: 750,
  identities: 1000,
  traitsPerIdentity: 6,
  /** share of generated identities that are among the 750 identities with overrides */
  overriddenIdentityShare: 0.12,
});

export const DEFAULT_SEED = 20250101;

// Trait keys and value distributions (12 keys; every identity carries 6 of them).
const COUNTRIES = [
  ['US', 30],
  ['GB', 10],
  ['DE', 9],
  ['FR', 7],
  ['IN', 9],
  ['BR', 6],
  ['CA', 5],
  ['JP', 5],
  ['NL', 4],
  ['ES', 5],
  ['AU', 4],
  ['SE', 3],
  ['PL', 3],
];
const PLANS = [
  ['free', 50],
  ['starter', 24],
  ['pro', 18],
  ['enterprise', 8],
];
const PLATFORMS = [
  ['ios', 30],
  ['android', 35],
  ['web', 28],
  ['desktop', 7],
];
const LANGUAGES = [
  ['en-US', 34],
  ['en-GB', 10],
  ['de-DE', 10],
  ['fr-FR', 8],
  ['es-ES', 8],
  ['pt-BR', 7],
  ['ja-JP', 5],
  ['hi-IN', 6],
  ['nl-NL', 4],
  ['sv-SE', 3],
  ['pl-PL', 5],
];
const EMAIL_DOMAINS = [
  ['gmail.com', 40],
  ['yahoo.com', 10],
  ['outlook.com', 14],
  ['acme.com', 10],
  ['globex.io', 8],
  ['initech.co', 6],
  ['example.org', 12],
];
const FIRST_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const LAST_NAMES = ['smith', 'jones', 'garcia', 'muller', 'tanaka', 'silva', 'kumar', 'novak', 'dubois'];

const TRAIT_KEYS = [
  'age',
  'country',
  'plan',
  'email',
  'app_version',
  'orders',
  'beta_tester',
  'platform',
  'signup_days',
  'language',
  'company_size',
  'lifetime_value',
];
// How likely each key is to be among an identity's 6 traits (apps send most of the same ones).
const TRAIT_KEY_WEIGHTS = {
  email: 10,
  plan: 9,
  country: 8,
  app_version: 6,
  platform: 6,
  age: 5,
  orders: 4,
  language: 4,
  signup_days: 3,
  beta_tester: 2,
  company_size: 2,
  lifetime_value: 2,
};

function traitValue(rng, key) {
  switch (key) {
    case 'age':
      return rng.int(16, 75);
    case 'country':
      return rng.weighted(COUNTRIES);
    case 'plan':
      return rng.weighted(PLANS);
    case 'email':
      return `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${rng.int(1, 999)}@${rng.weighted(EMAIL_DOMAINS)}`;
    case 'app_version':
      return `${rng.weighted([
        [1, 15],
        [2, 40],
        [3, 35],
        [4, 10],
      ])}.${rng.int(0, 12)}.${rng.int(0, 20)}`;
    case 'orders':
      return Math.floor(rng.next() ** 2 * 80);
    case 'beta_tester':
      return rng.chance(0.2);
    case 'platform':
      return rng.weighted(PLATFORMS);
    case 'signup_days':
      return rng.int(0, 1500);
    case 'language':
      return rng.weighted(LANGUAGES);
    case 'company_size':
      return Math.max(1, Math.round(Math.exp(rng.next() * Math.log(10000))));
    case 'lifetime_value':
      return Math.round(rng.next() ** 1.5 * 2500 * 100) / 100;
    default:
      throw new Error(`unknown trait ${key}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Segment conditions. Each generator returns {operator, property_, value} with the value a
// string (Flagsmith stores condition values as text) or null (IS_SET / IS_NOT_SET /
// PERCENTAGE_SPLIT's property). Regexes start with `^` so that they mean the same under Python's
// `re.match` (the reference) and JavaScript's unanchored `String.prototype.match`.

function csv(items) {
  return items.join(',');
}

const CONDITIONS = {
  age: [
    (r) => ['GREATER_THAN', String(r.int(18, 35))],
    (r) => ['LESS_THAN_INCLUSIVE', String(r.int(40, 70))],
    (r) => ['GREATER_THAN_INCLUSIVE', String(r.int(21, 30))],
    (r) => ['MODULO', `${r.pick([2, 3, 4])}|0`],
  ],
  country: [
    (r) => ['IN', csv(r.sample(COUNTRIES, r.int(3, 7)).map(([c]) => c))],
    (r) => ['EQUAL', r.weighted(COUNTRIES)],
    (r) => ['NOT_EQUAL', r.weighted(COUNTRIES)],
  ],
  plan: [
    (r) => ['EQUAL', r.weighted(PLANS)],
    () => ['NOT_EQUAL', 'free'],
    (r) => ['IN', csv(r.sample(PLANS, 2).map(([p]) => p))],
  ],
  email: [
    (r) => ['CONTAINS', `@${r.weighted(EMAIL_DOMAINS)}`],
    (r) => ['NOT_CONTAINS', r.pick(['@gmail.com', '@yahoo.com', 'test'])],
    (r) => ['REGEX', `^[${r.pick(['a-f', 'a-j', 'c-m', 'g-z'])}][a-z]*\\.`],
    () => ['REGEX', '^.*@(acme\\.com|globex\\.io|initech\\.co)$'],
    () => ['REGEX', '^[a-z]+\\.[a-z]+[0-9]*[02468]@'],
  ],
  app_version: [
    (r) => ['GREATER_THAN_INCLUSIVE', `${r.int(1, 3)}.${r.int(0, 9)}.0:semver`],
    (r) => ['LESS_THAN', `${r.int(3, 4)}.${r.int(0, 9)}.0:semver`],
    (r) => ['GREATER_THAN', `2.${r.int(0, 6)}.${r.int(0, 9)}:semver`],
  ],
  orders: [
    (r) => ['GREATER_THAN', String(r.int(0, 20))],
    (r) => ['LESS_THAN_INCLUSIVE', String(r.int(5, 40))],
    (r) => ['MODULO', `${r.pick([2, 3, 5])}|${r.int(0, 1)}`],
  ],
  beta_tester: [() => ['EQUAL', 'true'], () => ['IS_SET', null], () => ['NOT_EQUAL', 'true']],
  platform: [
    (r) => ['EQUAL', r.weighted(PLATFORMS)],
    (r) => ['IN', csv(r.sample(PLATFORMS, 2).map(([p]) => p))],
    () => ['NOT_EQUAL', 'desktop'],
  ],
  signup_days: [
    (r) => ['GREATER_THAN', String(r.int(30, 400))],
    (r) => ['LESS_THAN_INCLUSIVE', String(r.int(60, 1000))],
  ],
  language: [
    (r) => ['REGEX', `^(${r.sample(['en', 'de', 'fr', 'es', 'pt'], 2).join('|')})-`],
    (r) => ['IN', csv(r.sample(LANGUAGES, r.int(3, 6)).map(([l]) => l))],
    () => ['CONTAINS', 'en-'],
  ],
  company_size: [
    (r) => ['GREATER_THAN', String(r.pick([10, 50, 100, 250]))],
    (r) => ['LESS_THAN_INCLUSIVE', String(r.pick([500, 1000, 5000]))],
  ],
  lifetime_value: [
    (r) => ['GREATER_THAN', `${r.int(10, 400)}.5`],
    (r) => ['LESS_THAN_INCLUSIVE', `${r.int(500, 1500)}.25`],
  ],
};

function traitCondition(r, key) {
  // A few IS_SET / IS_NOT_SET conditions on any key; otherwise a typed comparison.
  const roll = r.next();
  if (roll < 0.07) return { operator: 'IS_SET', property_: key, value: null };
  if (roll < 0.1) return { operator: 'IS_NOT_SET', property_: key, value: null };
  const [operator, value] = r.pick(CONDITIONS[key])(r);
  return { operator, property_: key, value };
}

function percentageSplitCondition(r) {
  return { operator: 'PERCENTAGE_SPLIT', property_: null, value: String(r.int(20, 80)) };
}

function randomTraitKey(r) {
  return r.weighted(TRAIT_KEYS.map((k) => [k, TRAIT_KEY_WEIGHTS[k]]));
}

/**
 * One segment's rules, exactly `conditionsPerSegment` conditions, shaped like the rule trees the
 * Flagsmith console produces: one top-level ALL rule whose sub-rules are ANY groups ("or"
 * rows), plus occasionally a nested ALL inside an ANY, a NONE group, or a percentage split.
 */
function segmentRules(r, total) {
  const groups = [];
  let left = total;
  // 4–5 groups: many short ANY groups make a segment selective, few long ones make it broad.
  const groupCount = r.int(4, 5);
  for (let g = 0; g < groupCount; g++) {
    const remainingGroups = groupCount - g;
    const size = g === groupCount - 1 ? left : Math.max(2, Math.round(left / remainingGroups) + r.int(-1, 1));
    left -= size;
    groups.push(size);
  }

  const subRules = [];
  for (const size of groups) {
    const kind = r.weighted([
      ['ANY', 70],
      ['ANY_NESTED', 20],
      ['NONE', 10],
    ]);
    if (kind === 'NONE') {
      // "none of": e.g. exclude a country, a plan, an email pattern.
      const conditions = [];
      for (let i = 0; i < size; i++) {
        const key = r.pick(['country', 'plan', 'email', 'platform']);
        const { operator, value } = r.pick(
          {
            country: [() => ({ operator: 'EQUAL', value: r.pick(['JP', 'PL', 'SE', 'AU']) })],
            plan: [() => ({ operator: 'EQUAL', value: 'enterprise' })],
            email: [() => ({ operator: 'CONTAINS', value: r.pick(['test', '+qa', '@example.org']) })],
            platform: [() => ({ operator: 'EQUAL', value: 'desktop' })],
          }[key],
        )();
        conditions.push({ operator, property_: key, value });
      }
      subRules.push({ type: 'NONE', rules: [], conditions });
      continue;
    }
    const conditions = [];
    const nested = [];
    let ownConditions = size;
    if (kind === 'ANY_NESTED' && size >= 3) {
      // ANY{conditions: [c, c], rules: [ALL(c, c)]}. Flagsmith quantifies a rule's conditions and
      // its sub-rules separately and ANDs the two: (c or c) and (c and c).
      ownConditions = size - 2;
      nested.push({
        type: 'ALL',
        rules: [],
        conditions: [traitCondition(r, randomTraitKey(r)), traitCondition(r, randomTraitKey(r))],
      });
    }
    for (let i = 0; i < ownConditions; i++) conditions.push(traitCondition(r, randomTraitKey(r)));
    subRules.push({ type: 'ANY', rules: nested, conditions });
  }

  // About a third of segments are gradual rollouts: swap one condition of the first ANY group
  // for a percentage split (ANDed at the top level would halve match rates too much).
  if (r.chance(0.35)) {
    const first = subRules.find((s) => s.type === 'ANY' && s.conditions.length > 0);
    if (first) first.conditions[0] = percentageSplitCondition(r);
  }
  return [{ type: 'ALL', rules: subRules, conditions: [] }];
}

function countConditions(rules) {
  let n = 0;
  for (const rule of rules) n += rule.conditions.length + countConditions(rule.rules);
  return n;
}

// Calibration: the share of a population a rule tree matches, by flagsmith-nodejs's evaluator.
const SEGMENT_MATCH_BAND = [0.005, 0.1];
const CALIBRATION_SIZE = 400;

function calibrationIdentities(seed, apiKey) {
  return generateIdentities({ seed: subSeed(seed, 'calibration'), count: CALIBRATION_SIZE }).map(
    (identity) => ({
      identifier: identity.identifier,
      key: `${apiKey}_${identity.identifier}`,
      traits: identity.traits,
    }),
  );
}

function toContextRule(rule) {
  return {
    type: rule.type,
    conditions: rule.conditions.map((c) => ({ property: c.property_, operator: c.operator, value: c.value })),
    rules: rule.rules.map(toContextRule),
  };
}

function segmentMatchRate(segmentKey, rules, population) {
  const segments = {
    [segmentKey]: { key: segmentKey, name: 'calibration', rules: rules.map(toContextRule) },
  };
  let hits = 0;
  for (const identity of population) {
    if (
      getIdentitySegments({ environment: { key: 'calibration', name: 'calibration' }, identity, segments })
        .length
    )
      hits++;
  }
  return hits / population.length;
}

// ---------------------------------------------------------------------------------------------
// Features and feature values.

const FEATURE_WORDS_A = [
  'new',
  'beta',
  'dark',
  'fast',
  'smart',
  'express',
  'instant',
  'unified',
  'guided',
  'bulk',
  'live',
  'secure',
];
const FEATURE_WORDS_B = [
  'checkout',
  'search',
  'onboarding',
  'dashboard',
  'pricing_page',
  'recommendations',
  'export',
  'notifications',
  'sidebar',
  'editor',
  'reports',
  'payments',
  'chat',
  'profile',
];

function featureNames(r, count) {
  const names = new Set();
  while (names.size < count) names.add(`${r.pick(FEATURE_WORDS_A)}_${r.pick(FEATURE_WORDS_B)}`);
  return r.shuffle([...names]);
}

/** A remote-config value: null (plain on/off flag), string, number, boolean or JSON text. */
function featureValue(r, kind) {
  switch (kind) {
    case 'flag':
      return null;
    case 'string':
      return r.pick([
        'blue',
        'green',
        'control',
        'compact',
        'v2',
        'Welcome back!',
        'https://cdn.example.com/a.png',
      ]);
    case 'number':
      return r.pick([0, 1, 3, 5, 10, 25, 100, 250, 1000, 30000]);
    case 'boolean':
      return r.chance(0.5);
    case 'json':
      return JSON.stringify({
        limit: r.int(1, 100),
        theme: r.pick(['light', 'dark', 'system']),
        sections: r.sample(['news', 'tips', 'offers', 'billing'], r.int(1, 3)),
      });
    default:
      throw new Error(kind);
  }
}

// ---------------------------------------------------------------------------------------------
// Identifiers. Identity n of the seed's population; the first 750 are the identities that have
// overrides in the document, so `generateIdentities` can reach them without the document.

export function identifierFor(seed, n) {
  const r = makeRng(seed, `identity:${n}`);
  return r.chance(0.6) ? r.uuid() : `user_${(1000000 + n * 7919 + r.int(0, 7918)).toString(36)}`;
}

// ---------------------------------------------------------------------------------------------
// The environment document.

/**
 * The environment document, as Flagsmith's `GET /api/v1/environment-document/` serves it (field
 * names and shapes of the Python engine's EnvironmentModel, which flagsmith-nodejs's
 * `buildEnvironmentModel` parses).
 */
export function generateEnvironmentDocument({ seed = DEFAULT_SEED } = {}) {
  const r = makeRng(seed, 'document');
  const W = WORKLOAD;
  const apiKey = `bench${seed.toString(36)}${r.uuid().replace(/-/g, '').slice(0, 14)}`;
  const environmentId = r.int(100, 9999);
  const updatedAt = '2025-01-01T00:00:00.000000+00:00';

  let djangoId = r.int(100000, 200000);
  const nextDjangoId = () => {
    djangoId += r.int(1, 40);
    return djangoId;
  };
  let mvId = r.int(1000, 5000);
  const nextMvId = () => {
    mvId += r.int(1, 9);
    return mvId;
  };

  // -- features -------------------------------------------------------------------------------
  const names = featureNames(r, W.features);
  const mvIndexes = new Set(r.sample([...names.keys()], W.multivariateFeatures));
  const features = names.map((name, i) => {
    const multivariate = mvIndexes.has(i);
    const kind = multivariate
      ? r.pick(['string', 'json', 'number'])
      : r.weighted([
          ['flag', 45],
          ['string', 18],
          ['number', 15],
          ['boolean', 7],
          ['json', 15],
        ]);
    const feature = { id: 1 + i * 3 + r.int(0, 2), name, type: multivariate ? 'MULTIVARIATE' : 'STANDARD' };
    const options = [];
    if (multivariate) {
      const n = r.int(2, 3);
      for (let k = 0; k < n; k++) {
        let value = featureValue(r, kind);
        if (kind === 'string') value = `variant_${String.fromCharCode(97 + k)}`;
        options.push({ id: nextMvId(), value });
      }
    }
    return { feature, kind, options };
  });

  /** Variant allocations: 2–3 options summing to at most 100 (often 100, sometimes a holdout). */
  function allocations(n) {
    const total = r.weighted([
      [100, 60],
      [90, 15],
      [80, 15],
      [50, 10],
    ]);
    const cuts = [];
    for (let i = 0; i < n - 1; i++) cuts.push(r.int(1, total - 1));
    cuts.sort((a, b) => a - b);
    const out = [];
    let prev = 0;
    for (const c of [...cuts, total]) {
      out.push(c - prev);
      prev = c;
    }
    return out;
  }

  function featureState(f, { enabled, value, featureSegment = null, withVariants = false, django = true }) {
    const state = {
      feature: { ...f.feature },
      enabled,
      django_id: django ? nextDjangoId() : null,
      feature_segment: featureSegment,
      featurestate_uuid: r.uuid(),
      feature_state_value: value,
      multivariate_feature_state_values: [],
    };
    if (withVariants && f.options.length > 0) {
      const alloc = allocations(f.options.length);
      state.multivariate_feature_state_values = f.options.map((option, k) => ({
        multivariate_feature_option: { value: option.value, id: option.id },
        percentage_allocation: alloc[k],
        id: nextMvId(),
        mv_fs_value_uuid: r.uuid(),
      }));
    }
    return state;
  }

  const environmentFeatureStates = features.map((f) =>
    featureState(f, {
      enabled: r.chance(0.7),
      value:
        f.options.length > 0
          ? f.kind === 'string'
            ? 'control'
            : featureValue(r, f.kind)
          : featureValue(r, f.kind),
      withVariants: true,
    }),
  );

  // -- segments -------------------------------------------------------------------------------
  const SEGMENT_NAMES = [
    'beta_testers',
    'power_users',
    'eu_customers',
    'enterprise_accounts',
    'mobile_early_adopters',
    'new_signups',
    'high_value',
    'internal_staff',
    'churn_risk',
    'north_america',
    'latest_app_version',
    'trial_users',
    'developers',
    'apac_rollout',
    'returning_buyers',
    'gradual_rollout',
    'vip',
  ];
  const segmentNames = r.sample(SEGMENT_NAMES, W.segments);
  let segmentId = r.int(100, 900);
  const calibration = calibrationIdentities(seed, apiKey);
  const segments = segmentNames.map((name) => {
    segmentId += r.int(1, 25);
    // Draw rule trees until one matches a useful share of a calibration population (separate
    // from the benchmark identities): a segment nobody matches, or everybody does, exercises
    // little. The band keeps the share of identities in at least one segment near 20–60%.
    let rules;
    for (let attempt = 0; attempt < 200; attempt++) {
      rules = segmentRules(r, W.conditionsPerSegment);
      const rate = segmentMatchRate(String(segmentId), rules, calibration);
      if (rate >= SEGMENT_MATCH_BAND[0] && rate <= SEGMENT_MATCH_BAND[1]) break;
    }
    return { id: segmentId, name, rules, feature_states: [] };
  });

  // Segment overrides: each segment overrides 2–5 features; per feature, the segments that
  // override it get distinct priorities 0..k-1 in a random order (as the console orders them).
  const overridesByFeature = new Map();
  for (const segment of segments) {
    for (const fi of r.sample([...features.keys()], r.int(2, 5))) {
      if (!overridesByFeature.has(fi)) overridesByFeature.set(fi, []);
      overridesByFeature.get(fi).push(segment);
    }
  }
  for (const [fi, overriding] of [...overridesByFeature.entries()].sort((a, b) => a[0] - b[0])) {
    const f = features[fi];
    r.shuffle(overriding).forEach((segment, priority) => {
      segment.feature_states.push(
        featureState(f, {
          enabled: r.chance(0.8),
          value: featureValue(r, f.kind === 'flag' ? r.pick(['flag', 'string']) : f.kind),
          featureSegment: { priority },
          // Half of the segment overrides of multivariate features carry their own split.
          withVariants: f.options.length > 0 && r.chance(0.5),
        }),
      );
    });
  }

  // -- identity overrides ---------------------------------------------------------------------
  // Many identity overrides are the same "turn X on for this person" (Flagsmith groups those
  // into one synthetic segment per distinct override set); the rest carry individual values.
  const cannedSets = [];
  for (let c = 0; c < 12; c++) {
    const picked = r.sample([...features.keys()], r.int(1, 2));
    cannedSets.push(
      picked.map((fi) => ({ fi, enabled: true, value: environmentFeatureStates[fi].feature_state_value })),
    );
  }
  const identityOverrides = [];
  for (let n = 0; n < W.identityOverrides; n++) {
    const set = r.chance(0.5)
      ? r.pick(cannedSets)
      : r.sample([...features.keys()], r.int(1, 3)).map((fi) => ({
          fi,
          enabled: r.chance(0.75),
          value: featureValue(
            r,
            features[fi].kind === 'flag' ? 'flag' : r.pick(['string', 'number', 'json']),
          ),
        }));
    identityOverrides.push({
      identifier: identifierFor(seed, n),
      identity_uuid: r.uuid(),
      created_date: '2024-11-05T09:30:00.000000+00:00',
      updated_at: updatedAt,
      environment_api_key: apiKey,
      django_id: null,
      identity_traits: [],
      identity_features: set.map(({ fi, enabled, value }) =>
        featureState(features[fi], { enabled, value, django: false }),
      ),
    });
  }

  return {
    id: environmentId,
    api_key: apiKey,
    name: 'Production',
    project: {
      id: r.int(10, 999),
      name: 'Pennon bench',
      organisation: {
        id: r.int(1, 99),
        name: 'Bench Org',
        feature_analytics: false,
        stop_serving_flags: false,
        persist_trait_data: true,
      },
      hide_disabled_flags: false,
      segments,
      enable_realtime_updates: false,
      server_key_only_feature_ids: [],
    },
    feature_states: environmentFeatureStates,
    identity_overrides: identityOverrides,
    allow_client_traits: true,
    updated_at: updatedAt,
    hide_sensitive_data: false,
    hide_disabled_flags: null,
    use_identity_composite_key_for_hashing: true,
    use_identity_overrides_in_local_eval: true,
    amplitude_config: null,
    dynatrace_config: null,
    heap_config: null,
    mixpanel_config: null,
    rudderstack_config: null,
    segment_config: null,
    webhook_config: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Identities.

/**
 * `count` identities `{identifier, traits}` with `traitsPerIdentity` typed traits each (numbers,
 * strings, booleans — what an SDK caller passes). About 12% of them are identities that have
 * overrides in the document of the same seed, so override lookup is exercised.
 */
export function generateIdentities({ seed = DEFAULT_SEED, count = WORKLOAD.identities } = {}) {
  const r = makeRng(seed, 'identities');
  const W = WORKLOAD;
  const overridden = new Set();
  const identities = [];
  let fresh = W.identityOverrides;
  for (let i = 0; i < count; i++) {
    let n;
    if (r.chance(W.overriddenIdentityShare) && overridden.size < W.identityOverrides) {
      do n = r.int(0, W.identityOverrides - 1);
      while (overridden.has(n));
      overridden.add(n);
    } else {
      n = fresh++;
    }
    const keys = [];
    const weights = TRAIT_KEYS.map((k) => [k, TRAIT_KEY_WEIGHTS[k]]);
    while (keys.length < W.traitsPerIdentity) {
      const k = r.weighted(weights.filter(([key]) => !keys.includes(key)));
      keys.push(k);
    }
    const traits = {};
    for (const k of keys) traits[k] = traitValue(r, k);
    identities.push({ identifier: identifierFor(seed, n), traits });
  }
  return identities;
}

// ---------------------------------------------------------------------------------------------
// Mapping to the evaluation context, by flagsmith-nodejs's own mapper.

/** The evaluation context (no identity) of a document, mapped by flagsmith-nodejs. */
export function toEvaluationContext(document) {
  const environment = buildEnvironmentModel(document);
  return getEvaluationContext(environment, undefined, undefined, true);
}

const MAPPER_STUB_ENVIRONMENT = {
  apiKey: 'stub',
  name: 'stub',
  featureStates: [],
  identityOverrides: [],
  project: { segments: [] },
};

/**
 * The `identity` part of the evaluation context for one generated identity, as flagsmith-nodejs
 * builds it for local evaluation: an IdentityModel with one TraitModel per trait, mapped by
 * `getEvaluationContext` (→ `{identifier, traits}`; no `key`, so engines derive
 * `<environment key>_<identifier>`).
 */
export function toIdentityContext(identity) {
  const traitModels = Object.entries(identity.traits ?? {}).map(([k, v]) => new TraitModel(k, v));
  const model = new IdentityModel('0', traitModels, [], MAPPER_STUB_ENVIRONMENT.apiKey, identity.identifier);
  return getEvaluationContext(MAPPER_STUB_ENVIRONMENT, model).identity;
}

/**
 * The same document with its identity overrides regrouped into `sets` distinct override sets,
 * dealt round-robin over the same identifiers. flagsmith-nodejs maps each distinct set to one
 * segment `$.identity.identifier IN "id1,id2,..."`, so the context holds exactly `sets` override
 * segments of about 750 / `sets` identifiers each (the shape of an environment where most
 * overrides are the same few "turn X on for this person").
 */
export function groupIdentityOverrides(document, sets) {
  // The mapper decides which override sets are distinct: take one identity per mapped segment.
  const grouped = Object.values(toEvaluationContext(document).segments).filter(
    (s) => s.metadata?.source === 'identity_override',
  );
  if (grouped.length < sets) throw new Error(`only ${grouped.length} distinct override sets, ${sets} asked`);
  const byIdentifier = new Map(document.identity_overrides.map((o) => [o.identifier, o]));
  const representatives = grouped
    .slice(0, sets)
    .map((s) => byIdentifier.get(s.rules[0].conditions[0].value.split(',')[0]).identity_features);
  return {
    ...document,
    identity_overrides: document.identity_overrides.map((override, n) => ({
      ...override,
      identity_features: representatives[n % sets],
    })),
  };
}

/**
 * Everything a benchmark needs, from one seed. `overrideSets`: regroup the identity overrides
 * into that many distinct sets (see groupIdentityOverrides); by default they stay as generated.
 */
export function generateWorkload({
  seed = DEFAULT_SEED,
  identities = WORKLOAD.identities,
  overrideSets = undefined,
} = {}) {
  const generated = generateEnvironmentDocument({ seed });
  const document = overrideSets === undefined ? generated : groupIdentityOverrides(generated, overrideSets);
  const context = toEvaluationContext(document);
  const ids = generateIdentities({ seed, count: identities });
  return { seed, document, context, identities: ids, identityContexts: ids.map(toIdentityContext) };
}

export { countConditions };
