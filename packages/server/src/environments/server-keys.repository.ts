import type { Kysely, Transaction } from 'kysely';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { EnvironmentRow, ServerKeyRow, Tables } from '../storage/tables.js';
import { resolveEnvironment } from './environment-lookup.js';

/** Storage of server keys; callers first check the environment belongs to the organisation. */
export class ServerKeysRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(
    work: (repository: ServerKeysRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ServerKeysRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  list(environmentId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('server_keys').selectAll().where('environment_id', '=', environmentId),
      'id',
      page,
    );
  }

  find(environmentId: string, id: string): Promise<ServerKeyRow | undefined> {
    return this.db
      .selectFrom('server_keys')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: ServerKeyRow): Promise<void> {
    await this.db.insertInto('server_keys').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('server_keys').where('id', '=', id).execute();
  }
}
