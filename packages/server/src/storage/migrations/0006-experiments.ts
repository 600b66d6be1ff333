import { type Kysely, sql } from 'kysely';

/**
 * Experiments (DESIGN.md §6): project-level metric definitions, per-environment experiments
 * on a multivariate feature with their metrics, a record of what changed on each, and an
 * idempotency key on events and exposures so a retried batch is stored once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('metrics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('denominator_event_name', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('winsorize_percentile', 'double precision')
    .addColumn('conversion_window_hours', 'double precision')
    .addColumn('property_filter', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('metrics_project_key', ['project_id', 'key'])
    .execute();

  await db.schema
    .createTable('experiments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('features.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hypothesis', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('control_variant', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('alpha', 'double precision', (c) => c.notNull())
    .addColumn('correction', 'text', (c) => c.notNull())
    .addColumn('cuped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cuped_window_days', 'integer', (c) => c.notNull().defaultTo(14))
    .addColumn('started_at', 'text')
    .addColumn('stopped_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('experiments_environment_key', ['environment_id', 'key'])
    .execute();

  await db.schema
    .createTable('experiment_metrics')
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('metric_id', 'text', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_metrics_pk', ['experiment_id', 'metric_id'])
    .execute();

  await db.schema
    .createTable('experiment_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('experiment_changes_experiment')
    .on('experiment_changes')
    .columns(['experiment_id', 'at'])
    .execute();

  for (const table of ['events', 'exposures']) {
    await db.schema.alterTable(table).addColumn('idempotency_key', 'text').execute();
    // Partial: rows without a key (most) cost no index entry on the ingestion path.
    await db.schema
      .createIndex(`${table}_idempotency`)
      .on(table)
      .columns(['environment_id', 'idempotency_key'])
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
  }
  // Results read events by unit (below); nothing reads them by name over time any more, and
  // every index costs each ingested event.
  await db.schema.dropIndex('events_env_name_time').execute();
  // Results join each unit's exposures to its events: both read by (environment, unit).
  await db.schema
    .createIndex('exposures_env_feature_unit')
    .on('exposures')
    .columns(['environment_id', 'feature_key', 'unit_id', 'occurred_at', 'variant'])
    .execute();
  // Covering: results read every event of a unit with one seek, never touching the table.
  await db.schema
    .createIndex('events_env_unit_time')
    .on('events')
    .columns(['environment_id', 'unit_id', 'occurred_at', 'name', 'value'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_env_unit_time').ifExists().execute();
  await db.schema
    .createIndex('events_env_name_time')
    .on('events')
    .columns(['environment_id', 'name', 'occurred_at'])
    .execute();
  await db.schema.dropIndex('exposures_env_feature_unit').ifExists().execute();
  for (const table of ['events', 'exposures']) {
    await db.schema.dropIndex(`${table}_idempotency`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('idempotency_key').execute();
  }
  for (const table of ['experiment_changes', 'experiment_metrics', 'experiments', 'metrics']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
