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

export type { SemVer };
