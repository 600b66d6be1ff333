import type { Kysely } from 'kysely';
import { hashToken } from '../auth/tokens.js';
import { newId } from '../shared/ids.js';
import { newAdminToken, newClientKey } from '../shared/keys.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { Tables } from '../storage/tables.js';

export interface Bootstrap {
  organisationId: string;
  projectId: string;
  projectName: string;
  environments: { id: string; key: string; name: string; clientKey: string }[];
  /** Present only when this call created the token; it is never stored in clear. */
  adminToken?: string;
}

/**
 * First start: with an empty database, create an organisation, a project with `development`
 * and `production` environments, and an admin token (the given one, or a new one returned
 * once). With data already there, does nothing: a given token (PENNON_ADMIN_TOKEN) that was
 * revoked must stay revoked, so it is never created again; `pennon token create` is the way
 * back in.
 */
export async function bootstrap(
  db: Kysely<Tables>,
  options: { adminToken?: string } = {},
): Promise<Bootstrap | undefined> {
  try {
    return await bootstrapOnce(db, options);
  } catch (error) {
    // Replicas starting together on an empty database both try; the fixed organisation id
    // (or the token's digest) lets exactly one win, and the other finds its work done.
    if (!isUniqueViolation(error)) throw error;
    return bootstrapOnce(db, options);
  }
}

/** The id of the organisation the first start creates; fixed, so concurrent first starts collide. */
export const FIRST_ORGANISATION_ID = '0'.repeat(32);

function bootstrapOnce(db: Kysely<Tables>, options: { adminToken?: string }): Promise<Bootstrap | undefined> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('organisations').select('id').orderBy('id').executeTakeFirst();
    if (existing) return undefined;
    const now = new Date().toISOString();
    const organisationId = FIRST_ORGANISATION_ID;
    const projectId = newId();
    const projectName = 'Default project';
    await trx
      .insertInto('organisations')
      .values({ id: organisationId, name: 'Default organisation', created_at: now })
      .execute();
    await trx
      .insertInto('projects')
      .values({
        id: projectId,
        organisation_id: organisationId,
        name: projectName,
        created_at: now,
        updated_at: now,
        next_feature_number: 1,
      })
      .execute();
    const environments = [];
    for (const [key, name] of [
      ['development', 'Development'],
      ['production', 'Production'],
    ] as const) {
      const env = { id: newId(), key, name, clientKey: newClientKey() };
      await trx
        .insertInto('environments')
        .values({
          id: env.id,
          project_id: projectId,
          key,
          name,
          client_key: env.clientKey,
          hide_disabled_flags: 0,
          hide_sensitive_data: 1,
          allow_client_traits: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      environments.push(env);
    }
    const adminToken = options.adminToken ?? newAdminToken();
    await ensureToken(trx, organisationId, adminToken);
    return {
      organisationId,
      projectId,
      projectName,
      environments,
      adminToken: options.adminToken ? undefined : adminToken,
    };
  });
}

async function ensureToken(db: Kysely<Tables>, organisationId: string, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  const found = await db
    .selectFrom('admin_tokens')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (found) return;
  await db
    .insertInto('admin_tokens')
    .values({
      id: newId(),
      organisation_id: organisationId,
      name: 'bootstrap',
      token_hash: tokenHash,
      created_at: new Date().toISOString(),
    })
    .execute();
}
