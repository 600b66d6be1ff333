import type { Kysely } from 'kysely';

/**
 * Flag housekeeping for the console: an `owner` per feature (a person or team, free text, so
 * tokens and imports can set it without a user account), `archived` (hidden from the console's
 * list by default; archived flags keep evaluating, as in Flagsmith, so archiving never changes
 * what an application gets), and each user's favourite features.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('features')
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('features')
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('feature_favourites')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('features.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feature_favourites_pk', ['user_id', 'feature_id'])
    .execute();
  await db.schema
    .createIndex('feature_favourites_feature')
    .on('feature_favourites')
    .column('feature_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feature_favourites').execute();
  await db.schema.alterTable('features').dropColumn('archived').execute();
  await db.schema.alterTable('features').dropColumn('owner').execute();
}
