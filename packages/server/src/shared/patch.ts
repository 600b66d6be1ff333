/**
 * PATCH semantics shared by every admin route: a PATCH that changes nothing (`{}`, or only
 * values the resource already has) answers 200 with the resource as it is, leaves its
 * `updated_at` alone and records no change, so no stream wakes and no cache drops a
 * snapshot for nothing.
 */

/**
 * The fields of `changes` whose values differ from `current`.
 *
 * @example
 * changedFields({ enabled: 1, value: '"a"' }, { enabled: 1 }); // → {}
 * changedFields({ enabled: 1, value: '"a"' }, { value: '"b"' }); // → { value: '"b"' }
 */
export function changedFields<T extends object>(current: T, changes: Partial<T>): Partial<T> {
  return Object.fromEntries(
    Object.entries(changes).filter(
      ([field, value]) => value !== undefined && value !== current[field as keyof T],
    ),
  ) as Partial<T>;
}

export function nothingChanged(changes: object): boolean {
  return Object.keys(changes).length === 0;
}
