import type { Kysely } from 'kysely';
import { inProject } from '../projects/project-lookup.js';
import { byIdThenName, exactlyOne } from '../shared/lookup.js';
import type { FeatureRow, Tables } from '../storage/tables.js';

/** A feature of one project by id or by key: what every environment-scoped route takes. */
export async function resolveFeatureInProject(
  db: Kysely<Tables>,
  projectId: string,
  ref: string,
): Promise<FeatureRow> {
  const features = db.selectFrom('features').selectAll().where('project_id', '=', projectId);
  const rows = await byIdThenName(
    ref,
    (id) => features.where('id', '=', id).executeTakeFirst(),
    (key) => features.where('key', '=', key).execute(),
  );
  return exactlyOne(
    rows,
    async () => ({ what: 'feature', by: 'key', ref, ...(await inProject(db, projectId)) }),
    (row) => ({ id: row.id, project_id: row.project_id, project_name: '' }),
  );
}

/**
 * A feature of any project of the organisation by id or by key, for `/features/:id`. A key
 * that several projects use is refused as ambiguous (409), with the candidates.
 */
export async function resolveFeature(
  db: Kysely<Tables>,
  organisationId: string,
  ref: string,
): Promise<FeatureRow> {
  const features = db
    .selectFrom('features')
    .innerJoin('projects', 'projects.id', 'features.project_id')
    .selectAll('features')
    .select('projects.name as project_name')
    .where('projects.organisation_id', '=', organisationId);
  const rows = await byIdThenName(
    ref,
    (id) => features.where('features.id', '=', id).executeTakeFirst(),
    (key) => features.where('features.key', '=', key).execute(),
  );
  const { project_name: _, ...feature } = await exactlyOne(
    rows,
    () => ({ what: 'feature', by: 'key', ref, scope: 'in any project of this organisation' }),
    (row) => ({ id: row.id, project_id: row.project_id, project_name: row.project_name }),
  );
  return feature;
}
