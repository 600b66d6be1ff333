/**
 * The values of an IN condition, as the reference engine reads them: a list as is, a string
 * holding a JSON array, or else a comma-separated string; every item then through `str()`.
 * @module
 */

import { parsePyJsonList } from './py-json.js';
import { pyStr } from './py-values.js';

/**
 * The strings an IN condition accepts.
 * @example
 * inListValues('["a","b"]'); // ['a', 'b']
 * inListValues('[a,b]'); // ['[a', 'b]'] — not JSON, so split on commas
 */
export function inListValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(pyStr);
  // Python would raise on other types; a list that matches nothing is the safe reading.
  if (typeof value !== 'string') return [];
  // Only text starting with "[" can decode to a list; anything else falls back to commas.
  if (/^[ \t\n\r]*\[/.test(value)) {
    const items = parsePyJsonList(value);
    if (items) return items;
  }
  return value.split(',');
}
