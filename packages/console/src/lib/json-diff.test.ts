import { describe, expect, it } from 'vitest';
import { jsonDiff } from './json-diff.js';

describe('the before/after diff', () => {
  it('lists changed leaves by path, nested objects and arrays included', () => {
    const before = { enabled: false, value: 'a', variants: [{ key: 'x', weight: 50 }], meta: { n: 1 } };
    const after = { enabled: true, value: 'a', variants: [{ key: 'x', weight: 40 }], meta: { n: 1 } };
    expect(jsonDiff(before, after)).toEqual([
      { path: 'enabled', kind: 'changed', before: false, after: true },
      { path: 'variants[0].weight', kind: 'changed', before: 50, after: 40 },
    ]);
  });

  it('says what was added and removed, including whole list items', () => {
    expect(jsonDiff({ tags: ['a'], gone: 1 }, { tags: ['a', 'b'], fresh: null })).toEqual([
      { path: 'gone', kind: 'removed', before: 1 },
      { path: 'tags[1]', kind: 'added', after: 'b' },
      { path: 'fresh', kind: 'added', after: null },
    ]);
  });

  it('treats a creation and a deletion as every leaf added or removed', () => {
    expect(jsonDiff(null, { key: 'k' })).toEqual([{ path: 'key', kind: 'added', after: 'k' }]);
    expect(jsonDiff({ key: 'k' }, null)).toEqual([{ path: 'key', kind: 'removed', before: 'k' }]);
    expect(jsonDiff(null, null)).toEqual([]);
  });

  it('keeps empty objects and lists as leaves, and compares scalars at the root', () => {
    expect(jsonDiff({ variants: [] }, { variants: [{ key: 'a' }] })).toEqual([
      { path: 'variants', kind: 'removed', before: [] },
      { path: 'variants[0].key', kind: 'added', after: 'a' },
    ]);
    expect(jsonDiff(1, 2)).toEqual([{ path: '', kind: 'changed', before: 1, after: 2 }]);
  });
});
