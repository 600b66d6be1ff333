import type { Kysely } from 'kysely';
import { byIdThenName, exactlyOne } from '../shared/lookup.js';
import type { EnvironmentRow, IdentityRow, Tables } from '../storage/tables.js';

/**
 * An identity of one environment by id or by identifier (any text the SDKs accept, sent
 * URL-encoded in paths). An identifier that looks like an id still loses to the identity
 * that has that id.
 */
export async function resolveIdentity(
  db: Kysely<Tables>,
  environment: Pick<EnvironmentRow, 'id' | 'key' | 'project_id'>,
  ref: string,
): Promise<IdentityRow> {
  const identities = db.selectFrom('identities').selectAll().where('environment_id', '=', environment.id);
  const rows = await byIdThenName(
    ref,
    (id) => identities.where('id', '=', id).executeTakeFirst(),
    (identifier) => identities.where('identifier', '=', identifier).execute(),
  );
  return exactlyOne(
    rows,
    () => ({
      what: 'identity',
      by: 'identifier',
      ref,
      scope: `in environment '${environment.key}'`,
      scopeDetails: { environment_id: environment.id, environment_key: environment.key },
    }),
    (row) => ({ id: row.id, project_id: environment.project_id, project_name: '' }),
  );
}
