import type { Kysely } from 'kysely';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { ProjectRow, Tables } from '../storage/tables.js';

/** Storage of projects; every query is scoped to one organisation. */
export class ProjectsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  list(organisationId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('projects').selectAll().where('organisation_id', '=', organisationId),
      'id',
      page,
    );
  }

  find(organisationId: string, id: string): Promise<ProjectRow | undefined> {
    return this.db
      .selectFrom('projects')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByName(organisationId: string, name: string): Promise<ProjectRow | undefined> {
    return this.db
      .selectFrom('projects')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insert(row: ProjectRow): Promise<void> {
    await this.db.insertInto('projects').values(row).execute();
  }

  async update(id: string, changes: Partial<Pick<ProjectRow, 'name' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('projects').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('projects').where('id', '=', id).execute();
  }
}

/**
 * Looks up a project only if it belongs to the organisation, so other domains can scope their
 * routes without depending on the projects repository class; undefined means "not yours".
 */
export function findProjectForOrganisation(
  db: Kysely<Tables>,
  organisationId: string,
  projectId: string,
): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', projectId)
    .executeTakeFirst();
}
