/**
 * Text both dialects store unchanged. PostgreSQL refuses NUL in text (and in jsonb), and a
 * lone surrogate cannot be encoded as UTF-8: it would be replaced on the way in, so two
 * different strings could meet in one row. Both are refused wherever request text can reach
 * storage: identifiers, keys, names, and every string inside free-form JSON.
 *
 * @example
 * isStorableText('café 🚀'); // true
 * isStorableText('a\u0000b'); // false
 * isStorableText('\uD800'); // false: half of a surrogate pair
 */
export function isStorableText(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be refused.
  return !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * Where in a parsed JSON value (keys included) the first unstorable string is, as a path
 * such as `events[3].properties.name`; undefined when every string is storable. Recursion
 * is safe: request bodies are bounded in depth before they are parsed (http/request-text.ts).
 */
export function unstorableTextAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(the value)';
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableTextAt(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return at;
    const found = unstorableTextAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
