import type { FeatureType } from './api-types.js';

/** The API's limit on one value, as serialised JSON (features/feature-values.ts on the server). */
export const MAX_VALUE_BYTES = 64 * 1024;

export type ParsedValue = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Reads what an admin typed into the value editor as the feature's type, with the API's own
 * rules: an empty field is null ("no value"); a boolean feature has no value (its value is its
 * enabled state); a number must be finite; JSON must parse.
 * @example
 * parseValueText('number', '2.5'); // { ok: true, value: 2.5 }
 * parseValueText('json', '{"a":'); // { ok: false, message: 'Not valid JSON: …' }
 */
export function parseValueText(type: FeatureType, text: string): ParsedValue {
  if (type === 'boolean') return { ok: true, value: null };
  if (text.trim() === '' && type !== 'string') return { ok: true, value: null };
  let value: unknown;
  switch (type) {
    case 'string':
      value = text === '' ? null : text;
      break;
    case 'number': {
      const number = Number(text.trim());
      if (!Number.isFinite(number)) return { ok: false, message: `"${text.trim()}" is not a finite number.` };
      value = number;
      break;
    }
    case 'json':
      try {
        value = JSON.parse(text);
      } catch (error) {
        return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
      }
      break;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > MAX_VALUE_BYTES) {
    return {
      ok: false,
      message: `The value is ${bytes} bytes as JSON; at most ${MAX_VALUE_BYTES} are allowed.`,
    };
  }
  return { ok: true, value };
}

/** A stored value as the editor shows it: the reverse of parseValueText. */
export function valueToText(type: FeatureType, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (type === 'string' && typeof value === 'string') return value;
  if (type === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/** A short one-line rendering for tables. */
export function valueSummary(value: unknown, max = 40): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
