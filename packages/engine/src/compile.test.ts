import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import type {
  EnvironmentEvaluationContext,
  FeatureContext,
  IdentityContext,
  SegmentCondition,
  SegmentContext,
} from './context.js';
import { evaluate } from './evaluate.js';
import { hashPercentage } from './hash.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** A seeded environment with every operator, nested rules, overrides and identity overrides. */
function environment(seed: number, identityOverrides: number): EnvironmentEvaluationContext {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const features: Record<string, FeatureContext> = {};
  for (let i = 0; i < 12; i++) {
    const feature: FeatureContext = {
      key: String(100 + i),
      name: `f${i}`,
      enabled: next() < 0.5,
      value: `v${i}`,
    };
    if (i % 3 === 0) feature.metadata = { id: i };
    if (i < 4) {
      feature.variants = [
        { key: 'a', value: 'A', weight: 30, priority: 2 },
        { value: 'B', weight: 25.5, priority: 1 },
      ];
    }
    features[feature.name] = feature;
  }
  const condition = (): SegmentCondition => {
    const property = pick(['plan', 'age', 'score', 'email', 'beta', '$.environment.name', 'missing']);
    const operator = pick([
      'EQUAL',
      'NOT_EQUAL',
      'GREATER_THAN',
      'LESS_THAN_INCLUSIVE',
      'CONTAINS',
      'NOT_CONTAINS',
      'REGEX',
      'IN',
      'IS_SET',
      'IS_NOT_SET',
      'MODULO',
      'PERCENTAGE_SPLIT',
    ] as const);
    const value = pick(['pro', '30', '2|0', 'a,pro,30', '[a-p]', '50', 'true', 'Production', '@x']);
    return { property, operator, value };
  };
  const segments: Record<string, SegmentContext> = {};
  for (let s = 0; s < 10; s++) {
    segments[String(s + 1)] = {
      key: String(s + 1),
      name: `segment${s}`,
      rules: [
        { type: pick(['ALL', 'ANY', 'NONE'] as const), conditions: [condition(), condition()] },
        {
          type: 'ANY',
          conditions: [],
          rules: [
            { type: 'ALL', conditions: [condition()] },
            { type: 'NONE', conditions: [condition()] },
          ],
        },
      ],
      overrides: [
        {
          key: String(900 + s),
          name: `f${s % 12}`,
          enabled: true,
          value: `s${s}`,
          priority: s % 3 === 0 ? undefined : s % 4,
        },
      ],
      ...(s % 4 === 0 && { metadata: { source: 'api' } }),
    };
  }
  for (let o = 0; o < identityOverrides; o++) {
    const identifiers = [`user-${o}`, `user-${o + 7}`, String(o)];
    segments[`identity_override_${o}`] = {
      key: `identity_override_${o}`,
      name: 'identity_overrides',
      rules: [
        {
          type: 'ALL',
          conditions: [{ property: '$.identity.identifier', operator: 'IN', value: identifiers.join(',') }],
        },
      ],
      overrides: [
        { key: `io${o}`, name: `f${o % 12}`, enabled: o % 2 === 0, value: `io${o}`, priority: -Infinity },
      ],
    };
  }
  return { environment: { key: 'env', name: 'Production' }, features, segments };
}

function identities(seed: number, count: number): (IdentityContext | undefined)[] {
  const next = random(seed);
  const result: (IdentityContext | undefined)[] = [undefined];
  for (let i = 0; i < count; i++) {
    result.push({
      identifier: i % 10 === 9 ? (i as unknown as string) : `user-${i}`,
      ...(i % 5 === 0 && { key: `custom-${i}` }),
      // Traits in varying sets and orders: one identity's trait must never leak into the next
      // one, which lacks it.
      traits: {
        ...(i % 7 !== 3 && { plan: ['pro', 'free', '30'][i % 3] }),
        ...(i % 4 !== 1 && { age: Math.floor(next() * 60) }),
        score: String(Math.floor(next() * 100)),
        ...(i % 2 === 0
          ? { email: `u${i}@x.com`, beta: next() < 0.5 }
          : { beta: next() < 0.5, email: `u${i}@x.com` }),
      },
    });
  }
  return result;
}

describe('compile(context).evaluate(identity)', () => {
  it('gives what evaluate() gives, for many identities in any order on one compiled environment', () => {
    const context = environment(1, 40);
    const compiled = compile(context);
    const people = identities(2, 200);
    const expected = people.map((identity) => evaluate({ ...context, identity }));
    for (const round of [0, 1]) {
      const order = round === 0 ? people.keys() : [...people.keys()].reverse();
      for (const i of order) expect(compiled.evaluate(people[i])).toStrictEqual(expected[i]);
    }
  });

  it('finds identity overrides by identifier exactly as generic rule matching does', () => {
    const indexed = environment(3, 60);
    // The same segments behind a condition that always holds: equivalent, but not indexable.
    const production: SegmentCondition = {
      property: '$.environment.name',
      operator: 'EQUAL',
      value: 'Production',
    };
    const generic: EnvironmentEvaluationContext = {
      ...indexed,
      segments: Object.fromEntries(
        Object.entries(indexed.segments ?? {}).map(([key, segment]) => [
          key,
          { ...segment, rules: [{ type: 'ALL' as const, conditions: [production], rules: segment.rules }] },
        ]),
      ),
    };
    const fast = compile(indexed);
    const slow = compile(generic);
    const people = [...identities(4, 80), { identifier: '' }, { identifier: 7 as unknown as string }];
    let overridden = 0;
    for (const identity of people) {
      const result = fast.evaluate(identity);
      expect(result).toStrictEqual(slow.evaluate(identity));
      overridden += result.segments.filter((segment) => segment.name === 'identity_overrides').length;
    }
    expect(overridden).toBeGreaterThan(50);
  });

  it('indexes IN lists as flagsmith-nodejs writes them, tricky identifiers included', () => {
    // One identity-override segment per list, as the mapper builds them; the same segments
    // behind an always-true condition are matched generically, and both must agree.
    const lists: (string | string[])[] = [
      'ann,bob', // CSV
      ' ann, bob ', // CSV with spaces: the spaces belong to the identifiers
      '["x,y", "z"]', // a JSON array whose item holds a comma
      '[1, 2.5, true, null]', // JSON numbers, booleans and null, printed as Python would
      '[a,b]', // not JSON: split on commas
      ['7', 'x,y'], // an array
      'x,y', // CSV: two identifiers, not one
      '', // one empty identifier
    ];
    const segments = (wrap: boolean): Record<string, SegmentContext> =>
      Object.fromEntries(
        lists.map((value, o): [string, SegmentContext] => {
          const among: SegmentCondition = { property: '$.identity.identifier', operator: 'IN', value };
          const always: SegmentCondition = {
            property: '$.environment.name',
            operator: 'EQUAL',
            value: 'Production',
          };
          return [
            `identity_override_${o}`,
            {
              key: `identity_override_${o}`,
              name: 'identity_overrides',
              rules: [{ type: 'ALL', conditions: wrap ? [always, among] : [among] }],
              overrides: [{ key: `io${o}`, name: 'f', enabled: true, value: `io${o}`, priority: -Infinity }],
            },
          ];
        }),
      );
    const base = {
      environment: { key: 'env', name: 'Production' },
      features: { f: { key: '1', name: 'f', enabled: false, value: 'default' } },
    };
    const fast = compile({ ...base, segments: segments(false) });
    const slow = compile({ ...base, segments: segments(true) });
    const identifiers = [
      'ann',
      ' ann',
      'bob ',
      ' bob ',
      'bob',
      'x,y',
      'x',
      'y',
      'z',
      '"z"',
      '1',
      '2.5',
      'True',
      'true',
      'None',
      'null',
      '[a',
      'b]',
      '7',
      '',
      ' ',
      1,
      2.5,
      7,
      true,
    ];
    const matched = new Set<unknown>();
    for (const identifier of identifiers) {
      const identity = { identifier: identifier as string };
      const result = fast.evaluate(identity);
      expect(result).toStrictEqual(slow.evaluate(identity));
      if (result.segments.length > 0) matched.add(identifier);
    }
    // The lists above do reach these, and only through their exact printed form.
    for (const hit of [' ann', ' bob ', 'x,y', 'z', '1', '2.5', 'True', 'None', '[a', 'b]', '7', '']) {
      expect(matched.has(hit)).toBe(true);
    }
    for (const miss of ['bob ', '"z"', 'true', 'null', ' ']) expect(matched.has(miss)).toBe(false);
  });

  it('matches a non-string identifier through its printed form', () => {
    const compiled = compile(environment(5, 10));
    const segments = compiled.evaluate({ identifier: 3 as unknown as string }).segments;
    expect(segments.filter((segment) => segment.name === 'identity_overrides')).toHaveLength(1);
  });
});

describe('traits that are not a plain record', () => {
  const context: EnvironmentEvaluationContext = {
    environment: { key: 'env', name: 'Prod' },
    features: { f: { key: '1', name: 'f', enabled: false, value: 'off' } },
    segments: {
      pro: {
        key: 'pro',
        name: 'pro',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
        overrides: [{ key: 'o', name: 'f', enabled: true, value: 'on' }],
      },
    },
  };

  it('reads a class getter, an inherited trait and a proxied record, as a lookup by name would', () => {
    class Account {
      get plan() {
        return 'pro';
      }
    }
    const inherited = Object.create({ plan: 'pro' });
    // A transparent proxy, as reactive state libraries hand objects over.
    const proxied = new Proxy({ plan: 'pro' }, {});
    const compiled = compile(context);
    for (const traits of [new Account(), inherited, proxied, { plan: 'pro' }]) {
      expect(compiled.evaluate({ identifier: 'u1', traits }).flags.f.value).toBe('on');
    }
    expect(compiled.evaluate({ identifier: 'u1', traits: { plan: 'free' } }).flags.f.value).toBe('off');
  });
});

describe('overrides', () => {
  const feature: FeatureContext = { key: '1', name: 'f', enabled: false, value: 'default' };
  const always = [
    {
      type: 'ALL' as const,
      conditions: [{ property: '$.environment.name', operator: 'EQUAL' as const, value: 'Prod' }],
    },
  ];
  const segment = (name: string, priority?: number): SegmentContext => ({
    key: name,
    name,
    rules: always,
    overrides: [
      {
        key: `o-${name}`,
        name: 'f',
        enabled: true,
        value: name,
        ...(priority !== undefined && { priority }),
      },
    ],
  });
  const winner = (...segments: SegmentContext[]) =>
    evaluate({
      environment: { key: 'env', name: 'Prod' },
      features: { f: feature },
      segments: Object.fromEntries(segments.map((s) => [s.key, s])),
    }).flags.f;

  it('the strictly lowest priority wins', () => {
    expect(winner(segment('a', 2), segment('b', 1), segment('c', 3)).value).toBe('b');
  });

  it('on a tie, or with no priorities, the first matching segment keeps the feature', () => {
    expect(winner(segment('a', 1), segment('b', 1)).value).toBe('a');
    expect(winner(segment('a'), segment('b')).value).toBe('a');
  });

  it('a missing priority loses to any number, and -Infinity (identity overrides) beats all', () => {
    expect(winner(segment('a'), segment('b', 1000)).value).toBe('b');
    expect(winner(segment('a', -1), segment('b', -Infinity)).value).toBe('b');
  });

  it('names the segment in the reason and takes enabled, value and metadata from the override', () => {
    const flag = winner({
      ...segment('beta', 0),
      overrides: [{ key: 'o', name: 'f', enabled: true, value: 1, metadata: { m: 1 } }],
    });
    expect(flag).toStrictEqual({
      name: 'f',
      enabled: true,
      value: 1,
      reason: 'TARGETING_MATCH; segment=beta',
      variant: null,
      metadata: { m: 1 },
    });
  });
});

describe('multivariate flags', () => {
  const feature: FeatureContext = {
    key: '78986',
    name: 'mv',
    enabled: true,
    value: 'control value',
    metadata: { id: 1 },
    variants: [
      { key: 'second', value: 'B', weight: 50, priority: 2 },
      { key: 'first', value: 'A', weight: 54.54, priority: 1 },
    ],
  };
  const flagFor = (identity?: IdentityContext, variants = feature.variants) =>
    evaluate({
      environment: { key: 'test_env', name: 'Test' },
      identity,
      features: { mv: { ...feature, variants } },
    }).flags.mv;

  it('picks the variant whose band holds hash([feature key, identity key]), bands in priority order', () => {
    // hash(['78986', 'test_env_foobar']) is 54.53: inside the first band [0, 54.54).
    expect(hashPercentage(['78986', 'test_env_foobar'])).toBeCloseTo(54.53, 2);
    expect(flagFor({ identifier: 'foobar' })).toStrictEqual({
      name: 'mv',
      enabled: true,
      value: 'A',
      reason: 'SPLIT; weight=54.54',
      variant: 'first',
      metadata: { id: 1 },
    });
  });

  it('returns the control value with variant "control" when no band holds the identity', () => {
    const flag = flagFor({ identifier: 'foobar' }, [{ value: 'A', weight: 10, priority: 1 }]);
    expect(flag).toMatchObject({ value: 'control value', reason: 'DEFAULT', variant: 'control' });
  });

  it('reports a variant without key as null', () => {
    expect(flagFor({ identifier: 'foobar' }, [{ value: 'A', weight: 100 }])).toMatchObject({
      value: 'A',
      variant: null,
      reason: 'SPLIT; weight=100',
    });
  });

  it('does not split without an identity', () => {
    expect(flagFor(undefined)).toMatchObject({ value: 'control value', reason: 'DEFAULT', variant: null });
  });

  it('uses an explicit identity key instead of the default one', () => {
    const percentage = hashPercentage(['78986', 'my-key']);
    const flag = flagFor({ identifier: 'foobar', key: 'my-key' }, [
      { value: 'A', weight: percentage + 0.001 },
    ]);
    expect(flag.value).toBe('A');
  });
});

describe('results', () => {
  it('list matched segments in context order, with metadata only when there is some', () => {
    const always = [
      { type: 'ALL' as const, conditions: [{ property: 'x', operator: 'IS_NOT_SET' as const, value: '' }] },
    ];
    const result = evaluate({
      environment: { key: 'env', name: 'Prod' },
      identity: { identifier: 'ann' },
      segments: {
        b: { key: 'b', name: 'second', rules: always, metadata: { source: 'api' } },
        a: { key: 'a', name: 'first', rules: always, metadata: {} },
      },
    });
    expect(result.segments).toStrictEqual([
      { name: 'second', metadata: { source: 'api' } },
      { name: 'first' },
    ]);
  });

  it('pass metadata through by reference', () => {
    const metadata = { id: 1, nested: { deep: true } };
    const result = evaluate({
      environment: { key: 'env', name: 'Prod' },
      features: { f: { key: '1', name: 'f', enabled: true, value: 1, metadata } },
    });
    expect(result.flags.f.metadata).toBe(metadata);
    expect(
      'metadata' in
        evaluate({
          environment: { key: 'e', name: 'n' },
          features: { f: { key: '1', name: 'f', enabled: true, value: 1 } },
        }).flags.f,
    ).toBe(false);
  });

  it('hold a feature named "__proto__" as a flag like any other, with or without an identity', () => {
    // 2 features take the template path, 600 (past its limit) the general one.
    for (const others of [1, 599]) {
      const features: Record<string, FeatureContext> = {};
      for (let i = 0; i < others; i++) {
        features[`other${i}`] = { key: String(i + 2), name: `other${i}`, enabled: false, value: null };
      }
      // As a JSON document parses it: an own property, not the prototype.
      Object.defineProperty(features, '__proto__', {
        value: { key: '1', name: '__proto__', enabled: true, value: 'kept' },
        enumerable: true,
      });
      const compiled = compile({ environment: { key: 'env', name: 'Prod' }, features });
      for (const identity of [undefined, { identifier: 'ann' }]) {
        const { flags } = compiled.evaluate(identity);
        expect(Object.getPrototypeOf(flags)).toBe(Object.prototype);
        expect(Object.keys(flags).sort()).toEqual(Object.keys(features).sort());
        expect(Object.keys(flags)).toContain('__proto__');
        expect(Object.getOwnPropertyDescriptor(flags, '__proto__')?.value).toMatchObject({
          name: '__proto__',
          enabled: true,
          value: 'kept',
        });
      }
    }
  });
});
