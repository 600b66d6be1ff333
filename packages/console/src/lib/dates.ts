/**
 * The value of an `<input type="datetime-local">` (local wall time, no zone) as the RFC 3339
 * instant the API takes, or undefined when it is not a time.
 *
 * @example
 * localInputToIso('2030-01-31T09:00') // '2030-01-31T08:00:00.000Z' in Paris in winter
 */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** An instant shown in the reader's own time zone, to the minute. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return time.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
