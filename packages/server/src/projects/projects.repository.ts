import type { Kysely, Transaction } from 'kysely';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { ProjectRow, Tables } from '../storage/tables.js';
import { resolveProject } from './project-lookup.js';

/** Storage of projects; every query is scoped to one organisation. */
export class ProjectsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the audit log. */
  transaction<T>(work: (repository: ProjectsRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ProjectsRepository(trx), trx));
  }

  /** `only`: the projects a member may see; undefined for everyone else. */
  list(organisationId: string, page: PageRequest, only?: readonly string[]) {
    let query = this.db.selectFrom('projects').selectAll().where('organisation_id', '=', organisationId);
    if (only) {
      if (only.length === 0) return Promise.resolve({ items: [], next_cursor: null });
      query = query.where('id', 'in', only);
    }
    return paginate(query, 'id', page);
  }

  /** By id or name; throws `project_not_found` (project-lookup.ts). */
  resolve(organisationId: string, ref: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, ref);
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
