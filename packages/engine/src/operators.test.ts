import { describe, expect, it } from 'vitest';
import type { ConditionOperator, IdentityContext, TraitValue } from './context.js';
import { evaluate } from './evaluate.js';
import { hashPercentage } from './hash.js';

/** Whether an identity with `traits` belongs to a segment made of this one condition. */
function matches(
  property: string,
  operator: ConditionOperator,
  value: string | string[] | null,
  traits: Record<string, TraitValue> = {},
  identity: Partial<IdentityContext> | null = {},
): boolean {
  const result = evaluate({
    environment: { key: 'env', name: 'Production' },
    identity: identity && { identifier: 'user-1', traits, ...identity },
    segments: {
      '7': {
        key: '7',
        name: 'segment',
        rules: [{ type: 'ALL', conditions: [{ property, operator, value }] }],
      },
    },
  });
  return result.segments.length === 1;
}

describe('EQUAL and NOT_EQUAL', () => {
  it('compare strings exactly', () => {
    expect(matches('plan', 'EQUAL', 'pro', { plan: 'pro' })).toBe(true);
    expect(matches('plan', 'EQUAL', 'Pro', { plan: 'pro' })).toBe(false);
    expect(matches('plan', 'NOT_EQUAL', 'free', { plan: 'pro' })).toBe(true);
  });

  it('cast the condition value to a number for number traits', () => {
    expect(matches('age', 'EQUAL', '30', { age: 30 })).toBe(true);
    expect(matches('ratio', 'EQUAL', '1.23', { ratio: 1.23 })).toBe(true);
    expect(matches('age', 'EQUAL', ' 30 ', { age: 30 })).toBe(true);
    expect(matches('age', 'EQUAL', 'thirty', { age: 30 })).toBe(false);
  });

  it('treat trait strings that look like numbers as numbers', () => {
    expect(matches('zip', 'EQUAL', '7', { zip: '007' })).toBe(true);
    expect(matches('price', 'EQUAL', '2.5', { price: '2.50' })).toBe(true);
    expect(matches('version', 'EQUAL', '1.0.0', { version: '1.0.0' })).toBe(true);
  });

  it('cast to a boolean that is false only for "False" and "false"', () => {
    expect(matches('beta', 'EQUAL', 'true', { beta: true })).toBe(true);
    expect(matches('beta', 'EQUAL', '1', { beta: true })).toBe(true);
    expect(matches('beta', 'EQUAL', 'False', { beta: false })).toBe(true);
    expect(matches('beta', 'EQUAL', '0', { beta: false })).toBe(false);
    expect(matches('beta', 'NOT_EQUAL', 'true', { beta: false })).toBe(true);
  });

  it('never match when the cast fails, not even NOT_EQUAL', () => {
    expect(matches('age', 'NOT_EQUAL', 'thirty', { age: 30 })).toBe(false);
    expect(matches('flag', 'EQUAL', 'True', { flag: 1 })).toBe(false);
  });

  it('never match a trait that is missing or null', () => {
    expect(matches('plan', 'NOT_EQUAL', 'pro', {})).toBe(false);
    expect(matches('plan', 'NOT_EQUAL', 'pro', { plan: null })).toBe(false);
  });
});

describe('GREATER_THAN, GREATER_THAN_INCLUSIVE, LESS_THAN, LESS_THAN_INCLUSIVE', () => {
  it('order numbers', () => {
    expect(matches('age', 'GREATER_THAN', '21', { age: 22 })).toBe(true);
    expect(matches('age', 'GREATER_THAN', '21', { age: 21 })).toBe(false);
    expect(matches('age', 'GREATER_THAN_INCLUSIVE', '21', { age: 21 })).toBe(true);
    expect(matches('price', 'LESS_THAN', '2.1', { price: 2.0 })).toBe(true);
    expect(matches('price', 'LESS_THAN_INCLUSIVE', '2.1', { price: 2.1 })).toBe(true);
  });

  it('order number-like trait strings numerically, not alphabetically', () => {
    expect(matches('count', 'GREATER_THAN', '9', { count: '10' })).toBe(true);
  });

  it('order other strings by code point', () => {
    expect(matches('name', 'GREATER_THAN', 'a', { name: 'b' })).toBe(true);
    expect(matches('name', 'GREATER_THAN', '\uffff', { name: '\u{1F600}' })).toBe(true);
  });

  it('order booleans as 0 and 1', () => {
    expect(matches('beta', 'GREATER_THAN', 'false', { beta: true })).toBe(true);
  });
});

describe(':semver comparisons', () => {
  it('compare by semantic-version precedence', () => {
    expect(matches('app', 'EQUAL', '1.0.0:semver', { app: '1.0.0' })).toBe(true);
    expect(matches('app', 'GREATER_THAN', '1.0.0-beta:semver', { app: '1.0.0' })).toBe(true);
    expect(matches('app', 'LESS_THAN', '1.0.0-rc.10:semver', { app: '1.0.0-rc.9' })).toBe(true);
    expect(matches('app', 'LESS_THAN', '1.10.0:semver', { app: '1.9.0' })).toBe(true);
    expect(matches('app', 'EQUAL', '1.0.0:semver', { app: '1.0.0+build.7' })).toBe(true);
    expect(matches('app', 'NOT_EQUAL', '1.0.0:semver', { app: '1.0.1' })).toBe(true);
  });

  it('reject versions Python semver rejects', () => {
    expect(matches('app', 'EQUAL', '1.0.0:semver', { app: 'v1.0.0' })).toBe(false);
    expect(matches('app', 'EQUAL', '1.0.0:semver', { app: '1.0' })).toBe(false);
    expect(matches('app', 'NOT_EQUAL', '1.0.0:semver', { app: 'not_a_semver' })).toBe(false);
    expect(matches('app', 'NOT_EQUAL', '1.0:semver', { app: '2.0.0' })).toBe(false);
  });
});

describe('CONTAINS and NOT_CONTAINS', () => {
  it('look for a substring in string traits', () => {
    expect(matches('email', 'CONTAINS', '@acme.', { email: 'ann@acme.com' })).toBe(true);
    expect(matches('email', 'NOT_CONTAINS', '@acme.', { email: 'ann@other.com' })).toBe(true);
    expect(matches('email', 'NOT_CONTAINS', '@acme.', { email: 'ann@acme.com' })).toBe(false);
  });

  it('never match number or boolean traits', () => {
    expect(matches('code', 'CONTAINS', '2', { code: 123 })).toBe(false);
    expect(matches('code', 'CONTAINS', '2', { code: '123' })).toBe(false);
    expect(matches('code', 'NOT_CONTAINS', '9', { code: 123 })).toBe(false);
    expect(matches('beta', 'CONTAINS', 'True', { beta: true })).toBe(false);
  });
});

describe('REGEX', () => {
  it('matches from the start of the printed trait', () => {
    expect(matches('user', 'REGEX', '[a-z]+', { user: 'ann1' })).toBe(true);
    expect(matches('user', 'REGEX', '[0-9]', { user: 'ann1' })).toBe(false);
    expect(matches('version', 'REGEX', '\\d*[13579]$', { version: 123 })).toBe(true);
    expect(matches('beta', 'REGEX', 'True', { beta: true })).toBe(true);
    expect(matches('ratio', 'REGEX', '2\\.0$', { ratio: '2.0' })).toBe(true);
  });

  it('is false for invalid patterns and for syntax RE2 cannot run', () => {
    expect(matches('user', 'REGEX', '(', { user: '(' })).toBe(false);
    expect(matches('user', 'REGEX', '(?=a)a', { user: 'a' })).toBe(false);
  });

  it('finishes on catastrophic patterns against long traits', () => {
    const long = 'a'.repeat(50_000);
    expect(matches('text', 'REGEX', '(a+)+$', { text: `${long}b` })).toBe(false);
    expect(matches('text', 'REGEX', '(a+)+$', { text: long })).toBe(true);
  });
});

describe('MODULO', () => {
  it('tests "divisor|remainder" on numbers with Python float modulo', () => {
    expect(matches('id', 'MODULO', '2|0', { id: 4 })).toBe(true);
    expect(matches('id', 'MODULO', '2|0', { id: 3 })).toBe(false);
    expect(matches('id', 'MODULO', '4|3', { id: 35 })).toBe(true);
    expect(matches('id', 'MODULO', '4|3', { id: 34.2 })).toBe(false);
    expect(matches('id', 'MODULO', '3|2', { id: -1 })).toBe(true);
    expect(matches('id', 'MODULO', '2|0', { id: '10' })).toBe(true);
    expect(matches('paid', 'MODULO', '2|1', { paid: true })).toBe(true);
  });

  it('is false for malformed values and non-numbers', () => {
    for (const value of ['', '2', '2|0|1', 'a|b', '0|0', null]) {
      expect(matches('id', 'MODULO', value, { id: 4 }), String(value)).toBe(false);
    }
    expect(matches('id', 'MODULO', '3|0', { id: 'dummy' })).toBe(false);
  });
});

describe('IN', () => {
  it('accepts lists, JSON array strings and comma-separated strings', () => {
    expect(matches('plan', 'IN', ['free', 'pro'], { plan: 'pro' })).toBe(true);
    expect(matches('plan', 'IN', '["free","pro"]', { plan: 'pro' })).toBe(true);
    expect(matches('plan', 'IN', 'free,pro', { plan: 'pro' })).toBe(true);
    expect(matches('plan', 'IN', 'free,pro', { plan: 'pr' })).toBe(false);
    expect(matches('plan', 'IN', 'free, pro', { plan: 'pro' })).toBe(false);
  });

  it('falls back to commas when the brackets do not hold JSON', () => {
    expect(matches('status', 'IN', '[foo,bar]', { status: '[foo' })).toBe(true);
  });

  it('compares integers by their printed form', () => {
    expect(matches('level', 'IN', '1,2,3', { level: 2 })).toBe(true);
    expect(matches('level', 'IN', '[1, 2.0]', { level: 2 })).toBe(false);
    expect(matches('level', 'IN', '[1, 2.0]', { level: 1 })).toBe(true);
  });

  it('never matches booleans, null or non-integral numbers', () => {
    expect(matches('beta', 'IN', 'true,True,1', { beta: true })).toBe(false);
    expect(matches('beta', 'IN', 'None,null', { beta: null })).toBe(false);
    expect(matches('ratio', 'IN', '1.5', { ratio: 1.5 })).toBe(false);
  });
});

describe('IS_SET and IS_NOT_SET', () => {
  it('tell whether the trait has a value', () => {
    expect(matches('plan', 'IS_SET', '', { plan: 'pro' })).toBe(true);
    expect(matches('plan', 'IS_SET', '', { plan: false })).toBe(true);
    expect(matches('plan', 'IS_SET', '', { plan: 0 })).toBe(true);
    expect(matches('plan', 'IS_SET', '', { plan: '' })).toBe(true);
    expect(matches('plan', 'IS_NOT_SET', '', { plan: 0 })).toBe(false);
    expect(matches('plan', 'IS_SET', '', {})).toBe(false);
    expect(matches('plan', 'IS_NOT_SET', '', { plan: null })).toBe(true);
  });

  it('see no trait without an identity', () => {
    expect(matches('plan', 'IS_NOT_SET', '', {}, null)).toBe(true);
  });
});

describe('PERCENTAGE_SPLIT', () => {
  const percentage = hashPercentage(['7', 'env_user-1']);

  it('buckets the identity key with the segment key', () => {
    expect(matches('', 'PERCENTAGE_SPLIT', String(percentage))).toBe(true);
    expect(matches('', 'PERCENTAGE_SPLIT', String(percentage - 0.01))).toBe(false);
  });

  it('buckets a property value instead when one is named', () => {
    const byCompany = hashPercentage(['7', 'acme']);
    expect(matches('company', 'PERCENTAGE_SPLIT', String(byCompany), { company: 'acme' })).toBe(true);
    expect(matches('company', 'PERCENTAGE_SPLIT', String(byCompany - 0.01), { company: 'acme' })).toBe(false);
  });

  it('is false when the named property is not set, or without identity', () => {
    expect(matches('company', 'PERCENTAGE_SPLIT', '100', {})).toBe(false);
    expect(matches('', 'PERCENTAGE_SPLIT', '100', {}, null)).toBe(false);
    expect(matches('', 'PERCENTAGE_SPLIT', 'half')).toBe(false);
  });
});

describe('an unknown operator', () => {
  it('never matches', () => {
    expect(matches('plan', 'STARTS_WITH' as ConditionOperator, 'p', { plan: 'pro' })).toBe(false);
  });
});
