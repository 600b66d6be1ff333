/** Parsed query parameters, as Fastify's parser gives them: a repeated name becomes an array. */
export type QueryFields = Record<string, string | string[]>;

/**
 * The query of `url` after `start`, parsed exactly as Fastify's parser (fast-querystring) parses
 * it, when it holds only characters that parser takes as they are: printable ASCII other than
 * `%`, `+` (both decoded) and `#`. Undefined for any other query, which the caller leaves to
 * Fastify. SDK clients send plain ones (`?k=<key>&st=javascript-client&t=1767225600000`): keys,
 * versions, times and ids need no escapes. No decoding also means no unstorable text (NUL, lone
 * surrogates) can come out of it.
 *
 * @example
 * plainQuery('/v1/initialize?k=abc&t=1&t=2', 15); // { k: 'abc', t: ['1', '2'] }
 * plainQuery('/v1/initialize?k=a%20b', 15); // undefined
 */
export function plainQuery(url: string, start: number): QueryFields | undefined {
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x25 || c === 0x2b || c === 0x23) return undefined;
  }
  // Without a prototype, as fast-querystring makes it: a parameter named `__proto__` is a parameter.
  const fields: QueryFields = Object.create(null);
  let from = start;
  // The next `=` at or after `from`, searched again only once passed: a query of many parts
  // without one (`a&a&a…`) would otherwise be scanned to its end for each part.
  let equals = url.indexOf('=', from);
  while (from <= url.length) {
    let end = url.indexOf('&', from);
    if (end === -1) end = url.length;
    if (equals !== -1 && equals < from) equals = url.indexOf('=', from);
    // `a=1`, `=1` (an empty name) and `a` (an empty value) are parameters; `&&` is none.
    if (equals !== -1 && equals < end) add(fields, url.slice(from, equals), url.slice(equals + 1, end));
    else if (end > from) add(fields, url.slice(from, end), '');
    from = end + 1;
  }
  return fields;
}

function add(fields: QueryFields, name: string, value: string): void {
  const held = fields[name];
  if (held === undefined) fields[name] = value;
  else if (typeof held === 'string') fields[name] = [held, value];
  else held.push(value);
}
