import type { Kysely } from 'kysely';
import { byIdThenName, exactlyOne } from '../shared/lookup.js';
import type { EnvironmentRow, Tables } from '../storage/tables.js';

/**
 * An environment of the organisation by id or by key (e.g. `production`). Keys are unique
 * per project only, so a key that several projects use is refused as ambiguous (409), with
 * the candidates. Environments carry no organisation id of their own, so every
 * environment-scoped route in any domain goes through this join; environments of other
 * organisations are `environment_not_found`, never revealed.
 */
export async function resolveEnvironment(
  db: Kysely<Tables>,
  organisationId: string,
  ref: string,
): Promise<EnvironmentRow> {
  const environments = db
    .selectFrom('environments')
    .innerJoin('projects', 'projects.id', 'environments.project_id')
    .selectAll('environments')
    .select('projects.name as project_name')
    .where('projects.organisation_id', '=', organisationId);
  const rows = await byIdThenName(
    ref,
    (id) => environments.where('environments.id', '=', id).executeTakeFirst(),
    (key) => environments.where('environments.key', '=', key).execute(),
  );
  const { project_name: _, ...environment } = await exactlyOne(
    rows,
    () => ({ what: 'environment', by: 'key', ref, scope: 'in any project of this organisation' }),
    (row) => ({ id: row.id, project_id: row.project_id, project_name: row.project_name }),
  );
  return environment;
}
