/** One leaf that differs between two JSON values, by its path (`variants[0].weight`). */
export interface DiffRow {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leaves(value: unknown, path: string, into: Map<string, unknown>): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, path ? `${path}.${key}` : key, into);
  } else if (Array.isArray(value) && value.length > 0) {
    for (const [index, inner] of value.entries()) leaves(inner, `${path}[${index}]`, into);
  } else {
    into.set(path, value);
  }
}

/**
 * What differs between `before` and `after` (an audit record's two sides, or a change request's
 * current and proposed target), leaf by leaf, in the order the fields appear. A null side (a
 * creation or deletion) makes every leaf of the other side added or removed. Fields that only
 * bookkeep (`updated_at`) count like any other: the reader sees exactly what was stored.
 *
 * @example
 * jsonDiff({ enabled: false, value: 'a' }, { enabled: true, value: 'a' })
 * // → [{ path: 'enabled', kind: 'changed', before: false, after: true }]
 */
export function jsonDiff(before: unknown, after: unknown): DiffRow[] {
  const left = new Map<string, unknown>();
  const right = new Map<string, unknown>();
  if (before !== null && before !== undefined) leaves(before, '', left);
  if (after !== null && after !== undefined) leaves(after, '', right);
  const rows: DiffRow[] = [];
  for (const [path, value] of left) {
    if (!right.has(path)) rows.push({ path, kind: 'removed', before: value });
    else if (JSON.stringify(value) !== JSON.stringify(right.get(path)))
      rows.push({ path, kind: 'changed', before: value, after: right.get(path) });
  }
  for (const [path, value] of right) if (!left.has(path)) rows.push({ path, kind: 'added', after: value });
  return rows;
}
