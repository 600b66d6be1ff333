/** Largest page the admin API serves. */
export const PAGE_LIMIT = 500;

/**
 * Every item of a cursor-paged admin list, page after page. The console shows whole lists
 * (search, filters and sorting run in the browser), so it follows `next_cursor` to the end.
 */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    items.push(...result.items);
    cursor = result.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
