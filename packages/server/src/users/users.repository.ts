import type { Kysely, Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { Tables, UserRow } from '../storage/tables.js';

const PUBLIC_COLUMNS = ['id', 'email', 'name', 'role', 'created_at', 'updated_at'] as const;

/** Storage of people. Only `findForSignIn` reads the password hash; nothing returns it. */
export class UsersRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the audit record. */
  transaction<T>(work: (repository: UsersRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new UsersRepository(trx), trx));
  }

  list(organisationId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('users').select(PUBLIC_COLUMNS).where('organisation_id', '=', organisationId),
      'id',
      page,
    );
  }

  /** A project of the organisation by id or name, as every project route resolves it. */
  project(organisationId: string, ref: string) {
    return resolveProject(this.db, organisationId, ref);
  }

  /**
   * The organisation's members (owners and admins have every project already) without a role
   * in the project: whom a project admin may add. Only what picking someone needs.
   */
  memberCandidates(organisationId: string, projectId: string, page: PageRequest) {
    return paginate(
      this.db
        .selectFrom('users')
        .select(['id', 'email', 'name'])
        .where('organisation_id', '=', organisationId)
        .where('role', '=', 'member')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('project_members')
                .select('project_members.user_id')
                .whereRef('project_members.user_id', '=', 'users.id')
                .where('project_members.project_id', '=', projectId),
            ),
          ),
        ),
      'id',
      page,
    );
  }

  find(organisationId: string, id: string) {
    return this.db
      .selectFrom('users')
      .select(PUBLIC_COLUMNS)
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByEmail(email: string) {
    return this.db.selectFrom('users').select(PUBLIC_COLUMNS).where('email', '=', email).executeTakeFirst();
  }

  findForSignIn(email: string) {
    return this.db
      .selectFrom('users')
      .select(['id', 'organisation_id', 'email', 'name', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirst();
  }

  /** Owners that keep the organisation administrable: owner users and owner tokens. */
  async countOwners(organisationId: string): Promise<number> {
    const count = async (table: 'users' | 'admin_tokens') => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('organisation_id', '=', organisationId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return (await count('users')) + (await count('admin_tokens'));
  }

  /** Serialises changes to an organisation's owners (see AdminTokensRepository.lockOrganisation). */
  async lockOrganisation(organisationId: string): Promise<void> {
    await this.db
      .updateTable('organisations')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', organisationId)
      .execute();
  }

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRow, 'name' | 'role' | 'password_hash' | 'updated_at'>>,
  ): Promise<void> {
    await this.db.updateTable('users').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }

  /** Signs a person out everywhere: after a password change, or a change of role. */
  async deleteSessions(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }
}
