import { PennonError } from '../errors.js';
import { newId } from './ids.js';

/**
 * Admin routes take what people know (a feature key, a segment name, an environment key, an
 * identity's identifier) wherever they take an id. Each concept resolves references in one
 * lookup module; this file holds what they share: the order of lookup and the wording of
 * failures, which say what was looked up, how, and where.
 */

/** The name a concept is known by besides its id. */
export type NameKind = 'key' | 'name' | 'identifier';

/** What the lookup failed on, e.g. `{ what: 'feature', by: 'key', scope: "in project 'Default'" }`. */
export interface LookupFailure {
  what: string;
  by: NameKind;
  ref: string;
  /** Where it was looked for, as words: "in project 'Default'". */
  scope: string;
  /** The same, as data for `error.details`. */
  scopeDetails?: Record<string, unknown>;
}

export interface Candidate {
  id: string;
  project_id: string;
  project_name: string;
}

const ID_PATTERN = /^[0-9a-f]{32}$/;

/** Ids are 32 lowercase hex digits (shared/ids.ts); anything else can only be a name. */
export function looksLikeId(ref: string): boolean {
  return ID_PATTERN.test(ref);
}

/**
 * Looks a reference up by id, then by name: an id always wins over a name that happens to
 * look like one. A reference holding NUL names nothing (no id or name can hold it) and is
 * not sent to the database, where PostgreSQL would refuse to compare it.
 */
export async function byIdThenName<T>(
  ref: string,
  byId: (id: string) => Promise<T | undefined>,
  byName: (name: string) => Promise<T[]>,
): Promise<T[]> {
  if (ref.includes('\u0000')) return [];
  if (looksLikeId(ref)) {
    const found = await byId(ref);
    if (found !== undefined) return [found];
  }
  return byName(ref);
}

/**
 * `<what>_not_found`, e.g. "No feature with key 'checkout' in project 'Default' (looked up by
 * key; ids look like 019a…)."
 */
export function lookupNotFound(failure: LookupFailure): PennonError {
  const { what, by, ref, scope } = failure;
  const label = what.replaceAll('_', ' ');
  const message = looksLikeId(ref)
    ? `No ${label} with id or ${by} '${ref}' ${scope} (looked up by id, then by ${by}).`
    : `No ${label} with ${by} '${ref}' ${scope} (looked up by ${by}; ids look like ${idExample()}).`;
  return new PennonError('not_found', `${what}_not_found`, message, {
    details: {
      looked_up: ref,
      by: looksLikeId(ref) ? ['id', by] : [by],
      ...(failure.scopeDetails ?? {}),
    },
  });
}

/**
 * `<what>_ambiguous` (409): a name unique per project, used where no project is given, that
 * several projects of the organisation have. Lists each candidate and says how to pick one.
 */
export function lookupAmbiguous(
  what: string,
  by: NameKind,
  ref: string,
  candidates: readonly Candidate[],
): PennonError {
  const label = what.replaceAll('_', ' ');
  const listed = candidates.map((c) => `'${c.project_name}' (${label} id ${c.id})`).join(', ');
  return new PennonError(
    'conflict',
    `${what}_ambiguous`,
    `The ${label} ${by} '${ref}' is in ${candidates.length} projects of this organisation: ${listed}. ` +
      `A ${by} is unique only within its project: use the ${label}'s id instead.`,
    { details: { looked_up: ref, by: [by], candidates } },
  );
}

/** The start of an id minted now, so the hint looks like the ids a caller actually sees. */
function idExample(): string {
  return `${newId().slice(0, 4)}…`;
}

/**
 * The one row found, or a thrown not-found / ambiguous error. `failure` is only worked out
 * (it may need a query, e.g. for a project's name) when nothing was found.
 */
export async function exactlyOne<T>(
  rows: readonly T[],
  failure: () => LookupFailure | Promise<LookupFailure>,
  candidate: (row: T) => Candidate,
): Promise<T> {
  if (rows.length === 1) return rows[0];
  const facts = await failure();
  if (rows.length === 0) throw lookupNotFound(facts);
  throw lookupAmbiguous(facts.what, facts.by, facts.ref, rows.map(candidate));
}
