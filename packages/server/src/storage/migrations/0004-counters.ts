import { type Kysely, sql } from 'kysely';

/**
 * Counters that only grow, so numbers are never handed out twice: a project's next feature
 * number (the id Flagsmith-compatible APIs expose) and, per feature state and segment override,
 * the next variant priority. Before this, both were derived from the highest one present, so
 * deleting the highest freed its number for reuse.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('next_feature_number', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update projects set next_feature_number =
    coalesce((select max(number) from features where features.project_id = projects.id), 0) + 1`.execute(db);

  for (const table of ['feature_states', 'segment_overrides']) {
    await db.schema
      .alterTable(table)
      .addColumn('next_variant_priority', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Priorities live inside the variants JSON; read them here rather than in dialect-specific SQL.
    const rows = await sql<{
      id: string;
      variants: string;
    }>`select id, variants from ${sql.table(table)} where variants <> '[]'`.execute(db);
    for (const row of rows.rows) {
      const priorities = (JSON.parse(row.variants) as { priority: number }[]).map((v) => v.priority);
      const next = Math.max(-1, ...priorities) + 1;
      await sql`update ${sql.table(table)} set next_variant_priority = ${next} where id = ${row.id}`.execute(
        db,
      );
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('next_feature_number').execute();
  for (const table of ['feature_states', 'segment_overrides']) {
    await db.schema.alterTable(table).dropColumn('next_variant_priority').execute();
  }
}
