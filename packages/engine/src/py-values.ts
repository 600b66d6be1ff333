/**
 * Python value semantics the reference engine relies on: `str()` of values, `int()` and
 * `float()` parsing of condition values, and the number-like trait string conversion.
 * @module
 */

/**
 * A float whose value is integral, kept apart from an int because Python treats `2.0` and `2`
 * differently (`str()`, `int("2.0")` failing). Only trait strings like `"2.0"` produce one:
 * a JS number cannot say whether its JSON source had a decimal point.
 */
export class IntegralFloat {
  constructor(readonly value: number) {}
}

/** A context value as conditions see it; `undefined` plays Python's `None`. */
export type ContextValue = string | number | boolean | IntegralFloat;

// str.isspace() in Python: ASCII whitespace, the separators \x1c-\x1f, NEL and Unicode Zs/Zl/Zp.
export const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const PY_INT = /^[+-]?\d+(?:_\d+)*$/;
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL_FLOAT = /^([+-]?)(?:(inf|infinity)|nan)$/i;

/** Python `int(text)`, or undefined where Python raises. */
export function parsePyInt(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const body = text.replace(EDGE_SPACE, '');
  return PY_INT.test(body) ? Number(body.replaceAll('_', '')) : undefined;
}

/** Python `float(text)`, or undefined where Python raises. */
export function parsePyFloat(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const body = text.replace(EDGE_SPACE, '');
  if (PY_FLOAT.test(body)) return Number(body.replaceAll('_', ''));
  const special = PY_SPECIAL_FLOAT.exec(body);
  if (!special) return undefined;
  if (!special[2]) return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

/** Index of the first code unit at or after `from` that is not an ASCII digit. */
function digitsEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    i++;
  }
  return i;
}

/**
 * A trait value as the reference engine stores it: strings that look like integers
 * (`-?[0-9]+`) or decimals (`-?[0-9]+\.[0-9]+`) become numbers; anything that is not a
 * primitive is `None`. The shapes are scanned by hand: app versions and the like start with a
 * digit, and two regex runs per such trait cost more than the scan.
 */
export function traitValue(raw: unknown): ContextValue | undefined {
  if (typeof raw === 'string') {
    const start = raw.charCodeAt(0) === 45 ? 1 : 0; // "-"
    const whole = digitsEnd(raw, start);
    if (whole === start) return raw;
    if (whole === raw.length) return Number(raw);
    if (raw.charCodeAt(whole) !== 46) return raw; // "."
    const fraction = digitsEnd(raw, whole + 1);
    if (fraction === whole + 1 || fraction !== raw.length) return raw;
    const value = Number(raw);
    return Number.isInteger(value) ? new IntegralFloat(value) : value;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return raw;
  return undefined;
}

/** A JSON/JS value as a context value, without the trait conversion. */
export function plainValue(raw: unknown): ContextValue | undefined {
  const kind = typeof raw;
  return kind === 'string' || kind === 'number' || kind === 'boolean' ? (raw as ContextValue) : undefined;
}

/** Python `str(value)`. JS numbers that are integers print as Python ints. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python `repr(value)` for JSON-like values. */
export function pyRepr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return pyStringRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return Number.isInteger(value) ? pyIntText(value) : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'None';
  }
  if (value === null) return 'None';
  if (value instanceof IntegralFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const entries = Object.entries(value as object).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

function pyIntText(value: number): string {
  // Beyond 1e21 JS switches to exponent notation; Python prints every digit.
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/** Python `repr(float)`: shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\\]/gu;
const SHORT_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(NON_PRINTABLE, (char) => {
    if (char === ' ') return char;
    const short = SHORT_ESCAPES[char];
    if (short) return short;
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
    if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
    return `\\U${code.toString(16).padStart(8, '0')}`;
  });
  return quote + (quote === "'" ? escaped.replaceAll("'", "\\'") : escaped) + quote;
}

/** Orders strings by code point as Python does (JS `<` orders by UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates encode code points above U+FFFF, so they must sort after U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
