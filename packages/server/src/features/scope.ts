import type { EnvironmentRow } from '../storage/tables.js';

/** What environment-scoped services need from their repository to scope a request. */
export interface EnvironmentLookup {
  /** By id or key (environments/environment-lookup.ts); throws when the organisation has none. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow>;
}

/**
 * The environment by id or key. Throws `environment_not_found` for environments of other
 * organisations too (existence is not revealed), and `environment_ambiguous` for a key that
 * several projects use. Use the returned row's id from here on, never the reference.
 */
export function requireEnvironment(
  lookup: EnvironmentLookup,
  organisationId: string,
  environmentRef: string,
): Promise<EnvironmentRow> {
  return lookup.findEnvironment(organisationId, environmentRef);
}
