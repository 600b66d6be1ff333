/**
 * REGEX conditions: Python `re.match` semantics run on RE2 (re2js), so matching stays linear in
 * the trait's length whatever pattern an admin writes. Python syntax is translated where the
 * two dialects differ in meaning; what RE2 cannot express (backreferences, lookarounds,
 * verbose mode, `\N{...}`) and what Python itself rejects yield no matcher: the condition is false.
 *
 * Differences kept on purpose: `\b`/`\B` stay ASCII word boundaries; `$` consumes the final
 * newline it may stand before (visible only in patterns that continue after `$`).
 * @module
 */

import { RE2JS } from 're2js';

// Python 3 str patterns are Unicode-aware: \d is any decimal digit, \w any letter or number
// or "_", \s anything str.isspace() accepts. RE2's shorthands are ASCII-only.
const WORD = '\\p{L}\\p{N}_';
const SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}';
const NOT_SPACE =
  '\\x00-\\x08\\x0e-\\x1b\\x21-\\x84\\x86-\\x9f\\xa1-\\x{167f}\\x{1681}-\\x{1fff}\\x{200b}-\\x{2027}' +
  '\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{10ffff}';
const NOT_WORD_IN_CLASS = Symbol('\\W inside a class');
const OCTAL = /^[0-7]{1,3}/;
const MULTILINE_FLAG = /\(\?[aiLmsux]*m[aiLmsux]*[-:)]/;

type Piece = { text: string | typeof NOT_WORD_IN_CLASS; end: number } | undefined;

function codePoint(value: number): string {
  return `\\x{${value.toString(16)}}`;
}

function hexEscape(pattern: string, from: number, digits: number): Piece {
  const hex = pattern.slice(from, from + digits);
  if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const value = Number.parseInt(hex, 16);
  return value > 0x10ffff ? undefined : { text: codePoint(value), end: from + digits };
}

function escapeSequence(pattern: string, at: number, inClass: boolean): Piece {
  const e = pattern[at + 1];
  const end = at + 2;
  switch (e) {
    case undefined:
      return undefined;
    case 'd':
      return { text: '\\p{Nd}', end };
    case 'D':
      return { text: '\\P{Nd}', end };
    case 'w':
      return { text: inClass ? WORD : `[${WORD}]`, end };
    case 'W':
      return { text: inClass ? NOT_WORD_IN_CLASS : `[^${WORD}]`, end };
    case 's':
      return { text: inClass ? SPACE : `[${SPACE}]`, end };
    case 'S':
      return { text: inClass ? NOT_SPACE : `[^${SPACE}]`, end };
    case 'b':
      return { text: inClass ? '\\x08' : '\\b', end };
    case 'A':
    case 'B':
      return inClass ? undefined : { text: `\\${e}`, end };
    case 'Z':
      return inClass ? undefined : { text: '\\z', end };
    case 'x':
      return hexEscape(pattern, end, 2);
    case 'u':
      return hexEscape(pattern, end, 4);
    case 'U':
      return hexEscape(pattern, end, 8);
  }
  if ('afnrtv'.includes(e)) return { text: `\\${e}`, end };
  if (e >= '0' && e <= '9') return octalEscape(pattern, at, inClass);
  if (/[a-zA-Z]/.test(e)) return undefined; // Python: bad escape (or \N{...}, unsupported)
  // Any other escaped character is itself; RE2 only accepts escaped punctuation.
  const char = String.fromCodePoint(pattern.codePointAt(at + 1) ?? 0);
  const text = /[!-/:-@[-`{-~]/.test(char) ? `\\${char}` : char;
  return { text, end: at + 1 + char.length };
}

function octalEscape(pattern: string, at: number, inClass: boolean): Piece {
  const digits = OCTAL.exec(pattern.slice(at + 1, at + 4))?.[0] ?? '';
  // Outside classes only \0.. or three octal digits are characters; \1..\99 are backreferences.
  const isCharacter = inClass ? digits.length > 0 : pattern[at + 1] === '0' || digits.length === 3;
  if (!isCharacter) return undefined;
  const value = Number.parseInt(digits, 8);
  return value > 0o377 ? undefined : { text: codePoint(value), end: at + 1 + digits.length };
}

function charClass(pattern: string, at: number): Piece {
  let j = at + 1;
  const negated = pattern[j] === '^';
  if (negated) j++;
  let body = '';
  let notWord = false;
  for (let first = true; ; first = false) {
    const c = pattern[j];
    if (c === undefined) return undefined;
    if (c === ']' && !first) break;
    if (c === '\\') {
      const piece = escapeSequence(pattern, j, true);
      if (!piece) return undefined;
      if (piece.text === NOT_WORD_IN_CLASS) notWord = true;
      else body += piece.text;
      j = piece.end;
      continue;
    }
    // A bare "[" is literal in Python; RE2 would read "[:alpha:]" as a POSIX class.
    body += c === '[' ? '\\[' : c;
    j++;
  }
  const end = j + 1;
  if (!notWord) return { text: `[${negated ? '^' : ''}${body}]`, end };
  // RE2 classes cannot hold the complement of a union, so [\Wx] becomes an alternation.
  if (negated) return undefined;
  return { text: body ? `(?:[${body}]|[^${WORD}])` : `[^${WORD}]`, end };
}

function group(pattern: string, at: number): Piece {
  const rest = pattern.slice(at + 2);
  if (rest.startsWith('#')) {
    const close = pattern.indexOf(')', at);
    return close < 0 ? undefined : { text: '', end: close + 1 };
  }
  if (rest.startsWith('P<')) return { text: '(?P<', end: at + 4 };
  const flags = /^([aiLmsux]*)(?:-([imsx]*))?([:)])/.exec(rest);
  if (!flags || /[aLx]/.test(flags[1]) || flags[2]?.includes('x')) return undefined;
  const on = flags[1].replaceAll('u', ''); // Unicode matching is already the default
  const off = flags[2] ? `-${flags[2]}` : '';
  const end = at + 2 + flags[0].length;
  if (!on && !off) return { text: flags[3] === ':' ? '(?:' : '', end };
  return { text: `(?${on}${off}${flags[3]}`, end };
}

/** The RE2 spelling of a Python pattern, or undefined when RE2 cannot mean the same. */
export function translatePythonRegex(pattern: string): string | undefined {
  const multiline = MULTILINE_FLAG.test(pattern);
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    let piece: Piece = { text: c, end: i + 1 };
    if (c === '\\') piece = escapeSequence(pattern, i, false);
    else if (c === '[') piece = charClass(pattern, i);
    else if (c === '(' && pattern[i + 1] === '?') piece = group(pattern, i);
    // Python's `$` also matches before a final newline; RE2's only at the very end.
    else if (c === '$' && !multiline) piece = { text: '(?:\\n?\\z)', end: i + 1 };
    else if (c === '{') {
      const lower = /^\{,(\d+)\}/.exec(pattern.slice(i)); // Python reads {,n} as {0,n}
      if (lower) piece = { text: `{0,${lower[1]}}`, end: i + lower[0].length };
    }
    if (!piece || typeof piece.text !== 'string') return undefined;
    out += piece.text;
    i = piece.end;
  }
  return out;
}

/**
 * The size of the RE2 program evaluation compiles for a pattern, or undefined when the
 * pattern cannot be compiled. Matching is linear in the text, but each character costs time in
 * proportion to this size, so callers bound it where patterns are saved.
 *
 * @example
 * pythonRegexProgramSize('^user-[0-9]+$'); // → a few dozen instructions
 */
export function pythonRegexProgramSize(pattern: string): number | undefined {
  const translated = translatePythonRegex(pattern);
  if (translated === undefined) return undefined;
  try {
    return RE2JS.compile(`\\A(?:${translated})`).programSize();
  } catch {
    return undefined;
  }
}

/**
 * A linear-time test with Python `re.match` semantics (anchored at the start only), or
 * undefined when the pattern is invalid or needs a feature RE2 lacks.
 */
export function compilePythonRegex(pattern: string): ((text: string) => boolean) | undefined {
  const translated = translatePythonRegex(pattern);
  if (translated === undefined) return undefined;
  try {
    const regex = RE2JS.compile(`\\A(?:${translated})`);
    return (text) => regex.test(text);
  } catch {
    return undefined;
  }
}
