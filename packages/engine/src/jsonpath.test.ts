import { describe, expect, it } from 'vitest';
import type { IdentityContext } from './context.js';
import { evaluate } from './evaluate.js';
import { parseJsonPath, walkPath } from './jsonpath.js';

describe('parseJsonPath', () => {
  it('reads member names in dot and bracket notation, and indexes', () => {
    expect(parseJsonPath('$.identity.traits.age')).toEqual(['identity', 'traits', 'age']);
    expect(parseJsonPath("$.identity.traits['a b']")).toEqual(['identity', 'traits', 'a b']);
    expect(parseJsonPath('$["x\\"y"][ 0 ][-1]')).toEqual(['x"y', 0, -1]);
    expect(parseJsonPath('$.identity.traits.tamaño')).toEqual(['identity', 'traits', 'tamaño']);
    expect(parseJsonPath("$.identity.traits['[$the.size$]']")).toEqual([
      'identity',
      'traits',
      '[$the.size$]',
    ]);
  });

  it('rejects invalid queries and the parts of JSONPath it does not evaluate', () => {
    for (const path of [
      '$.  i am not" a valid jsonpath',
      '$.a-b',
      '$.1a',
      '$.a.',
      '$.a ',
      '$.*',
      '$..a',
      '$[0:1]',
      "$['a','b']",
      '$[?@.a]',
      '$[-0]',
      'a.b',
    ]) {
      expect(parseJsonPath(path), path).toBeUndefined();
    }
  });
});

describe('walkPath', () => {
  it('follows own members of objects and indexes of arrays', () => {
    const root = { a: { b: [10, 20, 30] } };
    expect(walkPath(root, ['a', 'b', 1])).toBe(20);
    expect(walkPath(root, ['a', 'b', -1])).toBe(30);
    expect(walkPath(root, ['a', 'b', 'length'])).toBeUndefined();
    expect(walkPath(root, ['a', 'constructor'])).toBeUndefined();
    expect(walkPath(root, ['a', 'missing', 'x'])).toBeUndefined();
  });
});

describe('JSONPath properties in conditions', () => {
  function matches(property: string, value: string, identity?: IdentityContext): boolean {
    return (
      evaluate({
        environment: { key: 'env', name: 'Production' },
        identity,
        segments: {
          '1': {
            key: '1',
            name: 's',
            rules: [{ type: 'ALL', conditions: [{ property, operator: 'EQUAL', value }] }],
          },
        },
      }).segments.length === 1
    );
  }

  it('read the environment and the identity', () => {
    expect(matches('$.environment.name', 'Production')).toBe(true);
    expect(matches('$.identity.identifier', 'ann', { identifier: 'ann' })).toBe(true);
    expect(matches('$.identity.traits.plan', 'pro', { identifier: 'ann', traits: { plan: 'pro' } })).toBe(
      true,
    );
  });

  it('see the default identity key', () => {
    expect(matches('$.identity.key', 'env_ann', { identifier: 'ann' })).toBe(true);
    expect(matches('$.identity.key', 'own', { identifier: 'ann', key: 'own' })).toBe(true);
  });

  it('treat objects as not set, then fall back to a trait named like the path', () => {
    expect(matches('$.identity', 'x', { identifier: 'ann' })).toBe(false);
    expect(matches('$.identity', 'x', { identifier: 'ann', traits: { '$.identity': 'x' } })).toBe(true);
    expect(matches('$.environment', 'x', { identifier: 'ann', traits: { '$.environment': 'x' } })).toBe(true);
  });

  it('read invalid paths as trait names', () => {
    const traits = { '$.a-b': 'x' };
    expect(matches('$.a-b', 'x', { identifier: 'ann', traits })).toBe(true);
  });
});
