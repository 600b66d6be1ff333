import type { Kysely } from 'kysely';
import { projectName } from '../projects/project-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { AuditLogRow, Tables } from '../storage/tables.js';

export interface AuditFilter {
  resource_type?: string;
  resource_id?: string;
  project_id?: string;
  environment_id?: string;
  actor_kind?: string;
  actor_id?: string;
  /** ISO times as stored (`toISOString`), so text order is time order. */
  from?: string;
  to?: string;
  /** Only records of these projects (a member's); absent: every record. */
  projects?: readonly string[];
}

/** Reads of the audit log; it is written only by `recordAudit` and never updated or deleted. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** For a refusal's message: the project's name, if the organisation has it. */
  projectName(organisationId: string, projectId: string): Promise<string | undefined> {
    return projectName(this.db, organisationId, projectId);
  }

  /** Newest first: ids are time-ordered. */
  list(organisationId: string, filter: AuditFilter, page: PageRequest) {
    let query = this.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId);
    for (const column of [
      'resource_type',
      'resource_id',
      'project_id',
      'environment_id',
      'actor_kind',
      'actor_id',
    ] as const) {
      const value = filter[column];
      if (value !== undefined) query = query.where(column, '=', value);
    }
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    const { projects } = filter;
    if (projects !== undefined) {
      // No projects: nothing to read (and `in ()` is not SQL).
      if (projects.length === 0) return Promise.resolve({ items: [], next_cursor: null });
      query = query.where('project_id', 'in', projects);
    }
    return paginate(query, 'id', page, 'desc');
  }

  find(organisationId: string, id: string): Promise<AuditLogRow | undefined> {
    return this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
