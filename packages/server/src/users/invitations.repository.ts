import type { Kysely, Transaction } from 'kysely';
import type { InvitationRow, ProjectMemberRow, Tables } from '../storage/tables.js';

const PUBLIC_COLUMNS = ['id', 'email', 'organisation_role', 'projects', 'created_at', 'expires_at'] as const;

/** Storage of invitations; the link's token is looked up by digest and never read back. */
export class InvitationsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the audit record. */
  transaction<T>(
    work: (repository: InvitationsRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new InvitationsRepository(trx), trx));
  }

  pending(organisationId: string, now: string) {
    return this.db
      .selectFrom('invitations')
      .select(PUBLIC_COLUMNS)
      .where('organisation_id', '=', organisationId)
      .where('expires_at', '>', now)
      .orderBy('id')
      .execute();
  }

  findByTokenHash(tokenHash: string) {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  find(organisationId: string, id: string) {
    return this.db
      .selectFrom('invitations')
      .select(PUBLIC_COLUMNS)
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: InvitationRow): Promise<void> {
    await this.db.insertInto('invitations').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('invitations').where('id', '=', id).execute();
  }

  /** Once someone has the email's account, every invitation for it is spent. */
  async deleteForEmail(email: string): Promise<void> {
    await this.db.deleteFrom('invitations').where('email', '=', email).execute();
  }

  async addMembers(rows: ProjectMemberRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('project_members').values(rows).execute();
  }

  /** The new person, written in the same transaction as their project roles. */
  async insertUser(row: Tables['users']): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  emailTaken(email: string) {
    return this.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  }

  /** Projects that still exist, of those an invitation names: one may be deleted meanwhile. */
  async existingProjects(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('projects').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((row) => row.id));
  }
}
