import type { Kysely } from 'kysely';
import { inProject } from '../projects/project-lookup.js';
import { byIdThenName, exactlyOne } from '../shared/lookup.js';
import type { SegmentRow, Tables } from '../storage/tables.js';

/** A segment of one project by id or by name: what segment overrides take. */
export async function resolveSegmentInProject(
  db: Kysely<Tables>,
  projectId: string,
  ref: string,
): Promise<SegmentRow> {
  const segments = db.selectFrom('segments').selectAll().where('project_id', '=', projectId);
  const rows = await byIdThenName(
    ref,
    (id) => segments.where('id', '=', id).executeTakeFirst(),
    (name) => segments.where('name', '=', name).execute(),
  );
  return exactlyOne(
    rows,
    async () => ({ what: 'segment', by: 'name', ref, ...(await inProject(db, projectId)) }),
    (row) => ({ id: row.id, project_id: row.project_id, project_name: '' }),
  );
}

/**
 * A segment of any project of the organisation by id or by name, for `/segments/:id`. A name
 * that several projects use is refused as ambiguous (409), with the candidates.
 */
export async function resolveSegment(
  db: Kysely<Tables>,
  organisationId: string,
  ref: string,
): Promise<SegmentRow> {
  const segments = db
    .selectFrom('segments')
    .innerJoin('projects', 'projects.id', 'segments.project_id')
    .selectAll('segments')
    .select('projects.name as project_name')
    .where('projects.organisation_id', '=', organisationId);
  const rows = await byIdThenName(
    ref,
    (id) => segments.where('segments.id', '=', id).executeTakeFirst(),
    (name) => segments.where('segments.name', '=', name).execute(),
  );
  const { project_name: _, ...segment } = await exactlyOne(
    rows,
    () => ({ what: 'segment', by: 'name', ref, scope: 'in any project of this organisation' }),
    (row) => ({ id: row.id, project_id: row.project_id, project_name: row.project_name }),
  );
  return segment;
}
