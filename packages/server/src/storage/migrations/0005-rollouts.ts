import type { Kysely } from 'kysely';

/**
 * A percentage rollout on a feature state or a segment override: the share of identities
 * (0–100) it applies to, null for all of them. Existing rows keep null, so nothing changes
 * for anyone until an admin sets one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['feature_states', 'segment_overrides']) {
    // double precision on both dialects: PostgreSQL's `real` would turn 33.3 into 33.299999.
    await db.schema.alterTable(table).addColumn('rollout_percentage', 'double precision').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['feature_states', 'segment_overrides']) {
    await db.schema.alterTable(table).dropColumn('rollout_percentage').execute();
  }
}
