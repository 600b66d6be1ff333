import type { Kysely } from 'kysely';
import { generatePassword, hashPassword } from '../auth/passwords.js';
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
  /** The first owner to sign in as, when asked for; the password is shown once, never stored. */
  owner?: { email: string; password: string };
}

export interface BootstrapOptions {
  adminToken?: string;
  /** Create a first person, an owner with a generated password (`pennon serve` asks for one). */
  ownerEmail?: string;
}

/** Who the first start lets sign in to the console; `pennon user create` adds real people. */
export const FIRST_OWNER_EMAIL = 'admin@localhost';

/**
 * First start: with an empty database, create an organisation, a project with `development`
 * and `production` environments, and an admin token (the given one, or a new one returned
 * once). With data already there, does nothing: a given token (PENNON_ADMIN_TOKEN) that was
 * revoked must stay revoked, so it is never created again; `pennon token create` is the way
 * back in.
 */
export async function bootstrap(
  db: Kysely<Tables>,
  options: BootstrapOptions = {},
): Promise<Bootstrap | undefined> {
  // Hashed before the transaction, so it holds no lock for the time of a scrypt; only used
  // when the database turns out to be empty.
  const owner = options.ownerEmail ? { email: options.ownerEmail, password: generatePassword() } : undefined;
  const ownerHash = owner ? await hashPassword(owner.password) : undefined;
  const first = { ...options, owner: owner && ownerHash ? { ...owner, hash: ownerHash } : undefined };
  try {
    return await bootstrapOnce(db, first);
  } catch (error) {
    // Replicas starting together on an empty database both try; the fixed organisation id
    // (or the token's digest) lets exactly one win, and the other finds its work done.
    if (!isUniqueViolation(error)) throw error;
    return bootstrapOnce(db, first);
  }
}

/** The id of the organisation the first start creates; fixed, so concurrent first starts collide. */
export const FIRST_ORGANISATION_ID = '0'.repeat(32);

interface FirstStart {
  adminToken?: string;
  owner?: { email: string; password: string; hash: string };
}

function bootstrapOnce(db: Kysely<Tables>, options: FirstStart): Promise<Bootstrap | undefined> {
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
    if (options.owner) {
      await trx
        .insertInto('users')
        .values({
          id: newId(),
          organisation_id: organisationId,
          email: options.owner.email,
          name: 'Admin',
          password_hash: options.owner.hash,
          role: 'owner',
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    return {
      organisationId,
      projectId,
      projectName,
      environments,
      adminToken: options.adminToken ? undefined : adminToken,
      owner: options.owner ? { email: options.owner.email, password: options.owner.password } : undefined,
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
      role: 'owner',
      token_hash: tokenHash,
      created_at: new Date().toISOString(),
    })
    .execute();
}
