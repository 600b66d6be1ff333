import { describe, expect, it } from 'vitest';
import type { Feature, FeatureState } from '../../../lib/api-types.js';
import {
  allOwners,
  allTags,
  type FlagRow,
  filterFlags,
  filterFromSearch,
  filterToSearch,
  NO_FILTER,
} from './filters.js';

function row(
  key: string,
  extra: Partial<Feature> = {},
  enabled?: boolean,
  stateUpdated = '2024-01-01T00:00:00Z',
): FlagRow {
  const feature: Feature = {
    id: `id-${key}`,
    project_id: 'p',
    key,
    number: 1,
    type: 'boolean',
    description: '',
    tags: [],
    server_key_only: false,
    default_enabled: false,
    default_value: null,
    owner: '',
    archived: false,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...extra,
  };
  const state: FeatureState | undefined =
    enabled === undefined
      ? undefined
      : {
          id: `s-${key}`,
          environment_id: 'e',
          feature_id: feature.id,
          feature_key: key,
          enabled,
          value: null,
          variants: [],
          rollout_percentage: null,
          updated_at: stateUpdated,
        };
  return { feature, state };
}

const rows = [
  row('dark_mode', { tags: ['ui'], description: 'Night theme', created_at: '2024-03-01T00:00:00Z' }, true),
  row(
    'checkout_color',
    { type: 'string', tags: ['ui', 'checkout'], created_at: '2024-02-01T00:00:00Z' },
    false,
  ),
  row(
    'limits',
    { type: 'json', tags: ['backend'], created_at: '2024-01-15T00:00:00Z' },
    true,
    '2024-05-01T00:00:00Z',
  ),
  row('new_flag', { type: 'number' }),
];
const keys = (found: FlagRow[]) => found.map((r) => r.feature.key);

describe('flag list filters', () => {
  it('searches key, description and tags, every word, case-insensitively', () => {
    expect(keys(filterFlags(rows, { ...NO_FILTER, search: 'NIGHT' }))).toEqual(['dark_mode']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, search: 'ui color' }))).toEqual(['checkout_color']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, search: 'nothing-like-it' }))).toEqual([]);
  });

  it('needs every chosen tag, and any chosen type', () => {
    expect(keys(filterFlags(rows, { ...NO_FILTER, tags: ['ui'] }))).toEqual(['checkout_color', 'dark_mode']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, tags: ['ui', 'checkout'] }))).toEqual(['checkout_color']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, types: ['json', 'number'] }))).toEqual([
      'limits',
      'new_flag',
    ]);
  });

  it('filters by state here, a flag without a state counting as off', () => {
    expect(keys(filterFlags(rows, { ...NO_FILTER, state: 'enabled' }))).toEqual(['dark_mode', 'limits']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, state: 'disabled' }))).toEqual([
      'checkout_color',
      'new_flag',
    ]);
  });

  it('sorts by key, creation either way, or last change of flag or state', () => {
    expect(keys(filterFlags(rows, NO_FILTER))).toEqual(['checkout_color', 'dark_mode', 'limits', 'new_flag']);
    expect(keys(filterFlags(rows, { ...NO_FILTER, sort: 'newest' }))).toEqual([
      'dark_mode',
      'checkout_color',
      'limits',
      'new_flag',
    ]);
    expect(keys(filterFlags(rows, { ...NO_FILTER, sort: 'oldest' }))).toEqual([
      'new_flag',
      'limits',
      'checkout_color',
      'dark_mode',
    ]);
    expect(keys(filterFlags(rows, { ...NO_FILTER, sort: 'updated' }))[0]).toBe('limits');
  });

  it('hides archived flags unless asked, and filters by owner, favourite and staleness', () => {
    const more: FlagRow[] = [
      { ...row('gone', { archived: true, owner: 'web' }), favourite: true },
      { ...row('mine', { owner: 'web' }), favourite: true, staleness: { stale: true, reasons: ['x'] } },
      { ...row('theirs', { owner: 'data' }), staleness: { stale: false } },
    ];
    expect(keys(filterFlags(more, NO_FILTER))).toEqual(['mine', 'theirs']);
    expect(keys(filterFlags(more, { ...NO_FILTER, archived: true }))).toEqual(['gone', 'mine', 'theirs']);
    expect(keys(filterFlags(more, { ...NO_FILTER, owners: ['web'] }))).toEqual(['mine']);
    expect(keys(filterFlags(more, { ...NO_FILTER, favourites: true, archived: true }))).toEqual([
      'gone',
      'mine',
    ]);
    expect(keys(filterFlags(more, { ...NO_FILTER, stale: 30 }))).toEqual(['mine']);
    expect(allOwners(more.map((r) => r.feature))).toEqual(['data', 'web']);
  });

  it('lists the tags in use, once each, sorted', () => {
    expect(allTags(rows.map((r) => r.feature))).toEqual(['backend', 'checkout', 'ui']);
  });

  it('round-trips through the page address and ignores values it does not know', () => {
    const filter = {
      search: 'dark',
      tags: ['ui', 'a b'],
      types: ['json' as const],
      state: 'enabled' as const,
      sort: 'newest' as const,
      owners: ['web team'],
      favourites: true,
      archived: true,
      stale: 45,
    };
    expect(filterFromSearch(new URLSearchParams(filterToSearch(filter).toString()))).toEqual(filter);
    expect(filterFromSearch(new URLSearchParams('stale=0')).stale).toBeNull();
    expect(filterFromSearch(new URLSearchParams('stale=soon')).stale).toBeNull();
    expect(filterToSearch(NO_FILTER).toString()).toBe('');
    expect(filterFromSearch(new URLSearchParams('type=flag&state=maybe&sort=random'))).toEqual(NO_FILTER);
  });
});
