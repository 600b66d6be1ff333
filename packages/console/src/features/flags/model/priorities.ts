/**
 * Patches that move the override at `from` to `to` in a priority-ordered list. Evaluation
 * walks overrides by ascending priority and a tie keeps the first, so after a move every
 * priority must be distinct: the list is renumbered 0, 10, 20, … (gaps leave room for a later
 * insert), and only overrides whose priority changes are patched.
 * @example
 * reorder([{ id: 'a', priority: 0 }, { id: 'b', priority: 0 }], 1, 0);
 * // [{ id: 'b', priority: 0 }, { id: 'a', priority: 10 }]
 */
export function reorder(
  overrides: readonly { id: string; priority: number }[],
  from: number,
  to: number,
): { id: string; priority: number }[] {
  if (from === to || from < 0 || to < 0 || from >= overrides.length || to >= overrides.length) return [];
  const order = [...overrides];
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  return order
    .map((override, index) => ({ id: override.id, priority: index * 10, before: override.priority }))
    .filter((o) => o.priority !== o.before)
    .map(({ id, priority }) => ({ id, priority }));
}

/** A priority after every existing one, for a new override (lowest priority wins). */
export function nextPriority(overrides: readonly { priority: number }[]): number {
  return overrides.length === 0 ? 0 : Math.max(...overrides.map((o) => o.priority)) + 10;
}
