import type { SelectQueryBuilder } from 'kysely';
import type { PageResult } from '../http/schemas.js';

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * Keyset paging by id. Ids are time-ordered (shared/ids.ts), so pages come in creation order
 * (or newest first with `order: 'desc'`) and stay stable while rows are added. Fetches one
 * extra row to know whether more follow.
 */
export async function paginate<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  page: PageRequest,
  order: 'asc' | 'desc' = 'asc',
): Promise<PageResult<O>> {
  const limit = page.limit ?? 50;
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot type a column reference passed in as a string.
  let q = query.orderBy(idColumn as any, order).limit(limit + 1);
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  if (page.cursor) q = q.where(idColumn as any, order === 'asc' ? '>' : '<', page.cursor);
  const rows = await q.execute();
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/** Every item of a paged listing, page after page; for small listings such as a CLI's. */
export async function everyPage<T>(list: (page: PageRequest) => Promise<PageResult<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}
