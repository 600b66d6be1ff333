/**
 * JSON text of the small values that fill SDK responses (reasons, variant keys, flag values).
 * The same few strings recur in every response, so their JSON is remembered; a bounded cache
 * keeps a client sending endless distinct values from growing memory.
 */
const MAX_CACHED = 10_000;
const MAX_CACHED_LENGTH = 256;
const cache = new Map<string, string>();

export function jsonText(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      if (value.length > MAX_CACHED_LENGTH) return JSON.stringify(value);
      let text = cache.get(value);
      if (text === undefined) {
        if (cache.size >= MAX_CACHED) cache.clear();
        text = JSON.stringify(value);
        cache.set(value, text);
      }
      return text;
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'undefined':
      return 'null';
    default:
      return value === null ? 'null' : JSON.stringify(value);
  }
}
