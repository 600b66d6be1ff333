import type { Insertable, Kysely, Transaction } from 'kysely';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { AdminTokenRow, Tables } from '../storage/tables.js';

/** Storage of admin tokens; every query is scoped to one organisation and never reads out a digest. */
export class AdminTokensRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(
    work: (repository: AdminTokensRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new AdminTokensRepository(trx), trx));
  }

  list(organisationId: string, page: PageRequest) {
    return paginate(
      this.db
        .selectFrom('admin_tokens')
        .select(['id', 'name', 'role', 'created_at'])
        .where('organisation_id', '=', organisationId),
      'id',
      page,
    );
  }

  find(organisationId: string, id: string) {
    return this.db
      .selectFrom('admin_tokens')
      .select(['id', 'name', 'role', 'created_at'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async count(organisationId: string): Promise<number> {
    const row = await this.db
      .selectFrom('admin_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Takes the organisation's row lock for the rest of the transaction (a no-op write works on
   * both dialects; SQLite has no `FOR UPDATE`). Two tokens deleting each other at once then
   * run one after the other, so the "last token" check cannot be raced.
   */
  async lockOrganisation(organisationId: string): Promise<void> {
    await this.db
      .updateTable('organisations')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', organisationId)
      .execute();
  }

  async insert(row: Insertable<AdminTokenRow>): Promise<void> {
    await this.db.insertInto('admin_tokens').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('admin_tokens').where('id', '=', id).execute();
  }
}
