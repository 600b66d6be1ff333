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

/**
 * V8 keeps concatenated strings as ropes until something reads them. A text cached to be
 * joined into many responses is flattened once here (reading a character flattens a rope in
 * place), so each later join or socket write copies plain memory instead of walking a rope.
 */
export function flattened(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * `before`, the items' pieces joined by commas, and `after`, as UTF-8 bytes copied once. Each
 * piece comes already encoded, with its leading comma (`commaBytes`, kept per outcome by the
 * caller), so an answer of many flags is one copy of its pieces: no text is built, measured
 * and encoded per request.
 *
 * @example
 * joinedBytes('[', flags, (f) => kept.get(f), ']'); // <Buffer 5b 7b ... 5d>
 */
export function joinedBytes<T>(
  before: string,
  items: readonly T[],
  commaBytes: (item: T) => Buffer,
  after: string,
): Buffer {
  const parts = new Array<Buffer>(items.length + 2);
  parts[0] = Buffer.from(before);
  let length = parts[0].length;
  for (let i = 0; i < items.length; i++) {
    const bytes = commaBytes(items[i]);
    // The first piece goes without its comma.
    parts[i + 1] = i === 0 ? bytes.subarray(1) : bytes;
    length += parts[i + 1].length;
  }
  const last = Buffer.from(after);
  parts[items.length + 1] = last;
  return Buffer.concat(parts, length + last.length);
}
