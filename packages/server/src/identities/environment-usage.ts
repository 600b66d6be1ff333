import { type Kysely, sql } from 'kysely';
import { conflict } from '../errors.js';
import type { Tables } from '../storage/tables.js';

/** How much one environment may store; each is a `pennon serve` setting (config.ts). */
export interface IdentityQuotas {
  maxIdentities: number;
  maxTraits: number;
}

/** Generous enough never to matter until a client tries to fill the disk. */
export const UNLIMITED: IdentityQuotas = {
  maxIdentities: Number.MAX_SAFE_INTEGER,
  maxTraits: Number.MAX_SAFE_INTEGER,
};

/**
 * Adds the deltas to an environment's stored counts, inside the caller's transaction, and
 * throws `quota_exceeded` (409) when growth passes a quota, so the transaction rolls back and
 * nothing is stored. Shrinking never fails. Both dialects lock the usage row until commit, so
 * concurrent writers cannot both slip under the quota.
 */
export async function adjustUsage(
  db: Kysely<Tables>,
  environmentId: string,
  delta: { identities: number; traits: number },
  quotas: IdentityQuotas,
): Promise<void> {
  if (delta.identities === 0 && delta.traits === 0) return;
  const row = await db
    .insertInto('environment_usage')
    .values({ environment_id: environmentId, identities: delta.identities, traits: delta.traits })
    .onConflict((oc) =>
      oc.column('environment_id').doUpdateSet({
        identities: sql`environment_usage.identities + ${delta.identities}`,
        traits: sql`environment_usage.traits + ${delta.traits}`,
      }),
    )
    .returning(['identities', 'traits'])
    .executeTakeFirstOrThrow();
  if (delta.identities > 0 && Number(row.identities) > quotas.maxIdentities) {
    throw quotaExceeded('identities', quotas.maxIdentities, 'PENNON_MAX_IDENTITIES');
  }
  if (delta.traits > 0 && Number(row.traits) > quotas.maxTraits) {
    throw quotaExceeded('traits', quotas.maxTraits, 'PENNON_MAX_TRAITS');
  }
}

/** Counts again from the tables, for bulk writers (imports) that do not track deltas. */
export async function recountUsage(db: Kysely<Tables>, environmentId: string): Promise<void> {
  await db.deleteFrom('environment_usage').where('environment_id', '=', environmentId).execute();
  await sql`insert into environment_usage (environment_id, identities, traits) values (${environmentId},
    (select count(*) from identities where environment_id = ${environmentId}),
    (select count(*) from identity_traits t join identities i on i.id = t.identity_id
      where i.environment_id = ${environmentId}))`.execute(db);
}

function quotaExceeded(what: 'identities' | 'traits', max: number, setting: string) {
  return conflict(
    'quota_exceeded',
    `This environment stores the most ${what} it may (${max}); nothing was stored. Delete unused ` +
      `identities in the admin API, or raise ${setting}.`,
  );
}
