import { type Kysely, sql } from 'kysely';

/**
 * What a public client key may read and write about identities (DESIGN.md §7), per
 * environment, as Flagsmith names the settings: `hide_sensitive_data` (client keys get back
 * only the traits they sent; on for every environment, existing ones included, since reading
 * any user's traits by identifier was never meant to be possible) and `allow_client_traits`
 * (client keys may store traits; on, as before). And `environment_usage`: how many identities
 * and traits an environment stores, kept in step by every write, so quotas cost no count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('environments')
    .addColumn('hide_sensitive_data', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('environments')
    .addColumn('allow_client_traits', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('environment_usage')
    .addColumn('environment_id', 'text', (c) =>
      c.primaryKey().references('environments.id').onDelete('cascade'),
    )
    .addColumn('identities', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('traits', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into environment_usage (environment_id, identities, traits)
    select e.id,
      (select count(*) from identities i where i.environment_id = e.id),
      (select count(*) from identity_traits t join identities i on i.id = t.identity_id where i.environment_id = e.id)
    from environments e`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('environment_usage').execute();
  await db.schema.alterTable('environments').dropColumn('allow_client_traits').execute();
  await db.schema.alterTable('environments').dropColumn('hide_sensitive_data').execute();
}
