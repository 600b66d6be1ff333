import type { Feature, FeatureState, FeatureType } from '../../../lib/api-types.js';
import type { Staleness } from './usage.js';

export type StateFilter = 'any' | 'enabled' | 'disabled';
export const SORTS = ['key', 'newest', 'oldest', 'updated'] as const;
export type FlagSort = (typeof SORTS)[number];
const TYPES: readonly FeatureType[] = ['boolean', 'string', 'number', 'json'];

export interface FlagFilter {
  search: string;
  tags: string[];
  types: FeatureType[];
  state: StateFilter;
  sort: FlagSort;
  owners: string[];
  /** Only the signed-in person's favourites. */
  favourites: boolean;
  /** Archived flags are hidden unless asked for. */
  archived: boolean;
  /** Only flags stale over this many days; null: stale or not. */
  stale: number | null;
}

export const NO_FILTER: FlagFilter = {
  search: '',
  tags: [],
  types: [],
  state: 'any',
  sort: 'key',
  owners: [],
  favourites: false,
  archived: false,
  stale: null,
};
export const DEFAULT_STALE_DAYS = 30;

/** A flag as the list shows it: the feature and its state in the current environment. */
export interface FlagRow {
  feature: Feature;
  state: FeatureState | undefined;
  favourite?: boolean;
  staleness?: Staleness;
}

/**
 * The rows matching `filter`, sorted. Search matches key, description and tags, case-insensitive;
 * every tag chosen must be on the flag; a type matches if any chosen type is the flag's; the
 * state is the flag's in the current environment (a flag with no state yet counts as disabled).
 * Archived flags show only when asked for; owners match exactly, any chosen one.
 */
export function filterFlags(rows: readonly FlagRow[], filter: FlagFilter): FlagRow[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
  const matched = rows.filter(({ feature, state, favourite, staleness }) => {
    if (feature.archived && !filter.archived) return false;
    if (filter.favourites && !favourite) return false;
    if (filter.owners.length > 0 && !filter.owners.includes(feature.owner)) return false;
    if (filter.stale !== null && !staleness?.stale) return false;
    if (filter.types.length > 0 && !filter.types.includes(feature.type)) return false;
    if (!filter.tags.every((tag) => feature.tags.includes(tag))) return false;
    const enabled = state?.enabled ?? false;
    if (filter.state === 'enabled' && !enabled) return false;
    if (filter.state === 'disabled' && enabled) return false;
    const haystack = `${feature.key} ${feature.description} ${feature.tags.join(' ')}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  return matched.sort(comparator(filter.sort));
}

function comparator(sort: FlagSort): (a: FlagRow, b: FlagRow) => number {
  const byKey = (a: FlagRow, b: FlagRow) => compare(a.feature.key, b.feature.key);
  switch (sort) {
    case 'key':
      return byKey;
    case 'newest':
      return (a, b) => compare(b.feature.created_at, a.feature.created_at) || byKey(a, b);
    case 'oldest':
      return (a, b) => compare(a.feature.created_at, b.feature.created_at) || byKey(a, b);
    case 'updated':
      return (a, b) => compare(lastChange(b), lastChange(a)) || byKey(a, b);
  }
}

/** When the flag or its state here last changed; ISO strings sort as times. */
export function lastChange(row: FlagRow): string {
  const state = row.state?.updated_at ?? '';
  // biome-ignore lint/complexity/useMathMinMax: strings (ISO times), which Math.max would turn into NaN.
  return state > row.feature.updated_at ? state : row.feature.updated_at;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every owner named on a flag, sorted, for the owner filter's choices. */
export function allOwners(features: readonly Feature[]): string[] {
  return [...new Set(features.map((feature) => feature.owner).filter(Boolean))].sort();
}

/** Every tag in use, sorted, for the tag filter's choices. */
export function allTags(features: readonly Feature[]): string[] {
  return [...new Set(features.flatMap((feature) => feature.tags))].sort();
}

/**
 * The filter kept in the page address (`?q=&tag=&type=&state=&sort=&owner=&fav=1&archived=1&stale=<days>`), so a filtered list can
 * be reloaded and shared. Unknown values are dropped rather than failing the page.
 */
export function filterFromSearch(params: URLSearchParams): FlagFilter {
  const state = params.get('state');
  const sort = params.get('sort');
  const stale = Number(params.get('stale'));
  return {
    owners: params.getAll('owner'),
    favourites: params.get('fav') === '1',
    archived: params.get('archived') === '1',
    stale: params.has('stale') && Number.isInteger(stale) && stale >= 1 && stale <= 365 ? stale : null,
    search: params.get('q') ?? '',
    tags: params.getAll('tag'),
    types: params.getAll('type').filter((t): t is FeatureType => TYPES.includes(t as FeatureType)),
    state: state === 'enabled' || state === 'disabled' ? state : 'any',
    sort: SORTS.includes(sort as FlagSort) ? (sort as FlagSort) : 'key',
  };
}

export function filterToSearch(filter: FlagFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.search) params.set('q', filter.search);
  for (const tag of filter.tags) params.append('tag', tag);
  for (const type of filter.types) params.append('type', type);
  if (filter.state !== 'any') params.set('state', filter.state);
  if (filter.sort !== 'key') params.set('sort', filter.sort);
  for (const owner of filter.owners) params.append('owner', owner);
  if (filter.favourites) params.set('fav', '1');
  if (filter.archived) params.set('archived', '1');
  if (filter.stale !== null) params.set('stale', String(filter.stale));
  return params;
}
