import type { Kysely } from 'kysely';
import { byIdThenName, exactlyOne, type LookupFailure } from '../shared/lookup.js';
import type { ProjectRow, Tables } from '../storage/tables.js';

/**
 * A project of the organisation by id or by name (names are unique per organisation).
 * Throws `project_not_found` for projects of other organisations too: existence is not revealed.
 */
export async function resolveProject(
  db: Kysely<Tables>,
  organisationId: string,
  ref: string,
): Promise<ProjectRow> {
  const projects = db.selectFrom('projects').selectAll().where('organisation_id', '=', organisationId);
  const rows = await byIdThenName(
    ref,
    (id) => projects.where('id', '=', id).executeTakeFirst(),
    (name) => projects.where('name', '=', name).execute(),
  );
  return exactlyOne(
    rows,
    () => ({ what: 'project', by: 'name', ref, scope: 'in this organisation' }),
    (row) => ({ id: row.id, project_id: row.id, project_name: row.name }),
  );
}

/**
 * The name of a project of the organisation, for a message that names it; undefined when the
 * organisation has no such project (another organisation's names are never told).
 */
export async function projectName(
  db: Kysely<Tables>,
  organisationId: string,
  projectId: string,
): Promise<string | undefined> {
  const project = await db
    .selectFrom('projects')
    .select('name')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', projectId)
    .executeTakeFirst();
  return project?.name;
}

/** "in project 'Default'", for messages about things looked up inside one project. */
export async function inProject(
  db: Kysely<Tables>,
  projectId: string,
): Promise<Omit<LookupFailure, 'what' | 'by' | 'ref'>> {
  const project = await db
    .selectFrom('projects')
    .select('name')
    .where('id', '=', projectId)
    .executeTakeFirst();
  return {
    scope: `in project '${project?.name ?? projectId}'`,
    scopeDetails: { project_id: projectId, project_name: project?.name },
  };
}
