// An equivalent flag set for SDKs whose rules are not Flagsmith's (GrowthBook, Unleash), so
// their flag reads can be timed against @pennon/node on the same work.
//
// The standing workload's segments (15 conditions each, nested ANY/ALL groups, regexes, semver,
// IN lists, identity overrides) cannot be written exactly in GrowthBook's or Unleash's rules,
// so the comparison uses this set instead, written natively in each SDK's own format:
//
//   - the standing workload's 50 feature names, each with its value type: a number flag stays a
//     number, a string flag a string, and the flags with no value (on/off) are boolean;
//   - per flag i, two rules, first match wins:
//       1. targeting: `country` equals COUNTRIES[i mod 13] AND `orders` > 5 + (7i mod 20)
//          -> the targeted value (number: default + 1000; string: default + ':targeted'; on)
//       2. a percentage rollout of 20 + (13i mod 61) % of users, hashed on the identifier
//          -> the rollout value (number: default + 2000; string: default + ':rollout'; on)
//     otherwise the default (number or string: the workload's value; boolean: off);
//   - the same 1,000 identities with the same traits as the standing workload, given to each SDK
//     in its own user shape (Pennon user, GrowthBook attributes, Unleash context).
//
// Each SDK buckets rollouts with its own hash, so who is in a rollout differs between SDKs;
// `checkAnswers` checks the targeted and default values exactly, and the rollouts by their
// share of users.

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'ES', 'CA', 'JP', 'NL', 'PL', 'AU', 'SE'];

/** What the set is, exactly, for the bench's output. */
export function describeEquivalentSet(flags) {
  const count = (kind) => flags.filter((flag) => flag.kind === kind).length;
  return [
    `the standing workload's ${flags.length} features with their value types (${count('number')} number, ${count('string')} string, ${count('boolean')} with no value as booleans);`,
    'flag i: 1. country = [US DE GB FR IN BR ES CA JP NL PL AU SE][i mod 13] AND orders > 5 + (7i mod 20)',
    "-> targeted value (number: default + 1000, string: default + ':targeted', boolean: on);",
    "2. rollout of 20 + (13i mod 61) % on the identifier -> rollout value (+2000, ':rollout', on);",
    "else the default (boolean: off); read for the workload's 1,000 identities with their traits",
  ].join(' ');
}

/** The equivalent set's 50 flags, from the standing workload's evaluation context. */
export function equivalentFlags(context) {
  return Object.values(context.features).map((feature, i) => {
    const kind =
      typeof feature.value === 'number' ? 'number' : typeof feature.value === 'string' ? 'string' : 'boolean';
    const values =
      kind === 'number'
        ? { base: feature.value, targeted: feature.value + 1000, rollout: feature.value + 2000 }
        : kind === 'string'
          ? {
              base: feature.value,
              targeted: `${feature.value}:targeted`,
              rollout: `${feature.value}:rollout`,
            }
          : { base: false, targeted: true, rollout: true };
    return {
      id: i + 1,
      key: feature.name,
      kind,
      ...values,
      country: COUNTRIES[i % COUNTRIES.length],
      minOrders: 5 + ((7 * i) % 20),
      percent: 20 + ((13 * i) % 61),
    };
  });
}

/** Whether the targeting rule holds for a user's traits (all three SDKs' semantics agree). */
export function targeted(flag, traits) {
  return (
    traits.country === flag.country && typeof traits.orders === 'number' && traits.orders > flag.minOrders
  );
}

// -- Pennon: a Flagsmith-shaped evaluation context, segments with overrides ------------------

/** The set as a Pennon environment document: per flag a targeting segment and a split segment. */
export function pennonEquivalentDocument(flags) {
  const features = {};
  const segments = {};
  const feature_types = {};
  for (const flag of flags) {
    const on = flag.kind !== 'boolean';
    features[flag.key] = {
      key: String(flag.id),
      name: flag.key,
      enabled: on,
      value: on ? flag.base : null,
      metadata: { id: flag.id },
    };
    feature_types[flag.key] = flag.kind;
    const override = (value, priority) => ({
      key: String(flag.id),
      name: flag.key,
      enabled: true,
      value: on ? value : null,
      priority,
      metadata: { id: flag.id },
    });
    segments[`t${flag.id}`] = {
      key: `t${flag.id}`,
      name: `${flag.key} targeting`,
      rules: [
        {
          type: 'ALL',
          conditions: [
            { property: 'country', operator: 'EQUAL', value: flag.country },
            { property: 'orders', operator: 'GREATER_THAN', value: String(flag.minOrders) },
          ],
          rules: [],
        },
      ],
      overrides: [override(flag.targeted, 1)],
      metadata: { id: 2 * flag.id },
    };
    segments[`r${flag.id}`] = {
      key: `r${flag.id}`,
      name: `${flag.key} rollout`,
      rules: [
        {
          type: 'ALL',
          conditions: [{ property: null, operator: 'PERCENTAGE_SPLIT', value: String(flag.percent) }],
          rules: [],
        },
      ],
      overrides: [override(flag.rollout, 2)],
      metadata: { id: 2 * flag.id + 1 },
    };
  }
  return {
    environment: { id: 'bench-equivalent', name: 'bench-equivalent', updated_at: new Date(0).toISOString() },
    context: { environment: { key: 'bench-equivalent', name: 'bench-equivalent' }, features, segments },
    feature_types,
  };
}

/** A Pennon read of one flag: the value, or on/off for a boolean flag. */
export function pennonRead(pennon, flag, user) {
  return flag.kind === 'boolean' ? pennon.isEnabled(flag.key, user) : pennon.getValue(flag.key, user);
}

// -- GrowthBook: a features payload with a forced rule and a rollout rule ---------------------

/** The set as a GrowthBook features payload. */
export function growthbookFeatures(flags) {
  const features = {};
  for (const flag of flags) {
    features[flag.key] = {
      defaultValue: flag.base,
      rules: [
        { condition: { country: flag.country, orders: { $gt: flag.minOrders } }, force: flag.targeted },
        { force: flag.rollout, coverage: flag.percent / 100, hashAttribute: 'id' },
      ],
    };
  }
  return features;
}

/** GrowthBook's user context: the identifier as `id`, the traits as attributes. */
export function growthbookUser(user) {
  return { attributes: { id: user.identifier, ...user.traits } };
}

export function growthbookRead(client, flag, userContext) {
  return flag.kind === 'boolean'
    ? client.isOn(flag.key, userContext)
    : client.getFeatureValue(flag.key, flag.base, userContext);
}

// -- Unleash: toggles with constrained and gradual-rollout strategies -------------------------

/** The set as Unleash feature toggles (client API shape), for `bootstrap.data`. */
export function unleashToggles(flags) {
  return flags.map((flag) => {
    const payload = (value) =>
      flag.kind === 'boolean'
        ? undefined
        : { type: flag.kind === 'number' ? 'number' : 'string', value: String(value) };
    const variants = (name, value) =>
      flag.kind === 'boolean'
        ? []
        : [{ name, weight: 1000, weightType: 'variable', stickiness: 'default', payload: payload(value) }];
    return {
      name: flag.key,
      enabled: true,
      project: 'default',
      type: 'release',
      stale: false,
      impressionData: false,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '100', stickiness: 'default', groupId: flag.key },
          constraints: [
            { contextName: 'country', operator: 'IN', values: [flag.country], inverted: false },
            {
              contextName: 'orders',
              operator: 'NUM_GT',
              value: String(flag.minOrders),
              inverted: false,
            },
          ],
          variants: variants('targeted', flag.targeted),
        },
        {
          name: 'flexibleRollout',
          parameters: { rollout: String(flag.percent), stickiness: 'default', groupId: flag.key },
          constraints: [],
          variants: variants('rollout', flag.rollout),
        },
      ],
      variants: [],
    };
  });
}

/** Unleash's context: the identifier as `userId`, the traits as (string) properties. */
export function unleashUser(user) {
  const properties = {};
  for (const [name, value] of Object.entries(user.traits ?? {})) {
    if (value !== null && value !== undefined) properties[name] = String(value);
  }
  return { userId: user.identifier, properties };
}

export function unleashRead(unleash, flag, context) {
  if (flag.kind === 'boolean') return unleash.isEnabled(flag.key, context);
  const variant = unleash.getVariant(flag.key, context);
  if (!variant.enabled || !variant.payload) return flag.base;
  return flag.kind === 'number' ? Number(variant.payload.value) : variant.payload.value;
}

// -- the check before timing ---------------------------------------------------------------

/**
 * Checks one SDK's answers against the set's rules for every user and flag: the targeted value
 * wherever the targeting rule holds; elsewhere the rollout value or the default, with the
 * rollout's share of those users within 6 points of its percentage for each flag (binomial
 * spread on ~900 users is under 1.7 points) and within 2 points over all flags.
 * Returns a list of problems (empty when the SDK follows the rules).
 */
export function checkAnswers(label, flags, users, read) {
  const problems = [];
  let inRollout = 0;
  let eligible = 0;
  let expectedShare = 0;
  for (const flag of flags) {
    let flagIn = 0;
    let flagEligible = 0;
    for (const user of users) {
      const value = read(flag, user);
      if (targeted(flag, user.traits ?? {})) {
        if (value !== flag.targeted) problems.push(`${label}: ${flag.key} for ${user.identifier} = ${value}`);
        continue;
      }
      flagEligible++;
      if (value === flag.rollout) flagIn++;
      else if (value !== flag.base) problems.push(`${label}: ${flag.key} for ${user.identifier} = ${value}`);
    }
    // Boolean flags: the targeted and rollout values are both "on", so only the share is told.
    const share = (100 * flagIn) / flagEligible;
    if (Math.abs(share - flag.percent) > 6) {
      problems.push(`${label}: ${flag.key} rollout share ${share.toFixed(1)} % for ${flag.percent} %`);
    }
    inRollout += flagIn;
    eligible += flagEligible;
    expectedShare += flag.percent * flagEligible;
  }
  const overall = (100 * inRollout) / eligible;
  const expected = expectedShare / eligible;
  if (Math.abs(overall - expected) > 2) {
    problems.push(`${label}: overall rollout share ${overall.toFixed(1)} % for ${expected.toFixed(1)} %`);
  }
  return problems;
}
