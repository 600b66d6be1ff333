import type { Kysely, Transaction } from 'kysely';
import type { EnvironmentAccess, ProjectGrant, ProjectRole } from '../auth/permissions.js';
import type { ProjectMemberRow, Tables } from '../storage/tables.js';

/** Storage of people's roles in projects. */
export class ProjectMembersRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the audit record. */
  transaction<T>(
    work: (repository: ProjectMembersRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ProjectMembersRepository(trx), trx));
  }

  /** Every project role of one person, by project id: what authorization checks against. */
  async grantsOf(userId: string): Promise<Map<string, ProjectGrant>> {
    const rows = await this.db
      .selectFrom('project_members')
      .select(['project_id', 'role', 'environments'])
      .where('user_id', '=', userId)
      .execute();
    return new Map(rows.map((row) => [row.project_id, toGrant(row)]));
  }

  list(projectId: string) {
    return this.db
      .selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .select([
        'project_members.user_id as user_id',
        'users.email as email',
        'users.name as name',
        'project_members.role as role',
        'project_members.environments as environments',
        'project_members.created_at as created_at',
        'project_members.updated_at as updated_at',
      ])
      .where('project_members.project_id', '=', projectId)
      .orderBy('project_members.user_id')
      .execute();
  }

  find(projectId: string, userId: string) {
    return this.list(projectId).then((rows) => rows.find((row) => row.user_id === userId));
  }

  /** The organisation's projects, by id and name. */
  projects(organisationId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('projects')
      .select(['id', 'name'])
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
  }

  /** Environment ids of projects, to fill in what a member may do in each. */
  environmentIds(projectIds: readonly string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('environments')
      .select(['id', 'project_id'])
      .where('project_id', 'in', projectIds)
      .orderBy('id')
      .execute();
  }

  async insert(row: ProjectMemberRow): Promise<void> {
    await this.db.insertInto('project_members').values(row).execute();
  }

  async update(
    projectId: string,
    userId: string,
    changes: Partial<Pick<ProjectMemberRow, 'role' | 'environments' | 'updated_at'>>,
  ): Promise<void> {
    await this.db
      .updateTable('project_members')
      .set(changes)
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
  }

  async delete(projectId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
  }
}

export function toGrant(row: { role: string; environments: string }): ProjectGrant {
  return {
    role: row.role as ProjectRole,
    environments: JSON.parse(row.environments) as Record<string, EnvironmentAccess>,
  };
}
