/**
 * Semantic versions for conditions whose value ends in `:semver`. Parsing is as strict as
 * Python's `semver.Version.parse` (no `v` prefix, no leading zeros, no surrounding spaces),
 * which npm's `semver` alone would accept; precedence then comes from npm's `semver`.
 * @module
 */

import SemVer from 'semver/classes/semver.js';

const STRICT_SEMVER =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** The suffix that turns a comparison condition into a semantic-version comparison. */
export const SEMVER_SUFFIX = ':semver';

// The last text parsed and its version: one evaluation compares the same trait (an app
// version) with every semver condition of every segment, so this one entry nearly always hits.
// Versions are never mutated (only compared), so sharing one is safe.
let lastText: string | undefined;
let lastVersion: SemVer | undefined;

/**
 * A parsed version, or undefined when Python's parser would reject the text.
 * @example
 * parseSemver('1.2.3')?.major; // 1
 * parseSemver('v1.2.3'); // undefined
 */
export function parseSemver(text: string): SemVer | undefined {
  if (text === lastText) return lastVersion;
  lastVersion = parseUncached(text);
  lastText = text;
  return lastVersion;
}

function parseUncached(text: string): SemVer | undefined {
  // Python's `$` also matches before one final newline.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!STRICT_SEMVER.test(body)) return undefined;
  try {
    return new SemVer(body);
  } catch {
    return undefined; // e.g. numbers beyond Number.MAX_SAFE_INTEGER
  }
}

/** Negative, zero or positive as `a` has lower, equal or higher precedence than `b`. */
export function compareSemver(a: SemVer, b: SemVer): number {
  return a.compare(b);
}

/** Digits past which a version number might exceed Number.MAX_SAFE_INTEGER (16 digits). */
const SAFE_DIGITS = 15;

/**
 * The three numbers of a plain `MAJOR.MINOR.PATCH` text (no prerelease, no build, no leading
 * zeros, at most 15 digits each) into `into`; false for any other text, which may still be a
 * version (the caller then parses it fully).
 */
function plainVersion(text: string, into: Float64Array): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (digits === 1 && value === 0) return false; // a leading zero
      if (++digits > SAFE_DIGITS) return false;
      value = value * 10 + (code - 48);
    } else if (code === 46 && digits > 0 && part < 2) {
      into[part++] = value;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (part !== 2 || digits === 0) return false;
  into[2] = value;
  return true;
}

/** Scratch for `plainVersion`, reused so the fast path allocates nothing (evaluation is synchronous). */
const plain = new Float64Array(3);

/**
 * How texts compare with `version`, for a condition that compares many: negative, zero or
 * positive as in compareSemver, or undefined when the text is not a version. Most traits
 * are plain `MAJOR.MINOR.PATCH`, compared here by their numbers without building a SemVer
 * (which costs more than all the comparisons of one evaluation together); anything else is
 * parsed and compared in full.
 * @example
 * const compare = semverComparer(parseSemver('1.2.0') as SemVer);
 * compare('1.10.0'); // 1
 */
export function semverComparer(version: SemVer): (text: string) => number | undefined {
  const { major, minor, patch } = version;
  // A version without prerelease outranks one with it when the numbers tie.
  const tie = version.prerelease.length > 0 ? 1 : 0;
  return (text) => {
    if (plainVersion(text, plain)) {
      if (plain[0] !== major) return plain[0] < major ? -1 : 1;
      if (plain[1] !== minor) return plain[1] < minor ? -1 : 1;
      if (plain[2] !== patch) return plain[2] < patch ? -1 : 1;
      return tie;
    }
    const actual = parseSemver(text);
    return actual === undefined ? undefined : compareSemver(actual, version);
  };
}

export type { SemVer };
