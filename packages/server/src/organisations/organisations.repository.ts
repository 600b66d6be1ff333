import type { Kysely, Transaction } from 'kysely';
import type { OrganisationRow, Tables } from '../storage/tables.js';

/** Storage of organisations. An admin only ever reaches its own, by the id of its token. */
export class OrganisationsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(
    work: (repository: OrganisationsRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new OrganisationsRepository(trx), trx));
  }

  find(id: string): Promise<OrganisationRow | undefined> {
    return this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The organisation of this installation: only the first start creates one, so commands run
   * beside the server (`pennon keys`, `pennon token create`) act on it.
   */
  first(): Promise<OrganisationRow | undefined> {
    return this.db.selectFrom('organisations').selectAll().orderBy('id').limit(1).executeTakeFirst();
  }

  async update(id: string, changes: Partial<Pick<OrganisationRow, 'name'>>): Promise<void> {
    await this.db.updateTable('organisations').set(changes).where('id', '=', id).execute();
  }
}
