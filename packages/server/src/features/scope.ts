import { notFound } from '../errors.js';
import type { EnvironmentRow } from '../storage/tables.js';

/** What environment-scoped services need from their repository to scope a request. */
export interface EnvironmentLookup {
  findEnvironment(organisationId: string, environmentId: string): Promise<EnvironmentRow | undefined>;
}

/** Throws `environment_not_found` for environments of other organisations too: existence is not revealed. */
export async function requireEnvironment(
  lookup: EnvironmentLookup,
  organisationId: string,
  environmentId: string,
): Promise<EnvironmentRow> {
  const environment = await lookup.findEnvironment(organisationId, environmentId);
  if (!environment) throw notFound('environment', environmentId);
  return environment;
}
