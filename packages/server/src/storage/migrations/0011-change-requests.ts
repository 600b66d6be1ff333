import type { Kysely } from 'kysely';

/**
 * Change requests and scheduled changes (issue 9). An environment with `requires_approval`
 * (a number of approvals, null when unprotected) takes its feature states, segment overrides
 * and identity overrides only through change requests. Each request or scheduled change holds
 * its change list as JSON, with the targets resolved to ids and what each target looked like
 * when proposed, so a commit can tell whether a target moved since.
 *
 * Scheduled work is found by `(status, scheduled_at)`; whoever applies it records itself in
 * `claimed_by` inside the transaction that applies the change, so a row is applied once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('environments').addColumn('requires_approval', 'integer').execute();

  await db.schema
    .createTable('change_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('change_requests_environment_status')
    .on('change_requests')
    .columns(['environment_id', 'status'])
    .execute();
  await db.schema
    .createIndex('change_requests_due')
    .on('change_requests')
    .columns(['status', 'scheduled_at'])
    .execute();

  await db.schema
    .createTable('change_request_approvals')
    .addColumn('change_request_id', 'text', (c) =>
      c.notNull().references('change_requests.id').onDelete('cascade'),
    )
    /** `<kind>:<id>` of the approving actor: one approval per actor and request. */
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('change_request_approvals_pk', ['change_request_id', 'actor_key'])
    .execute();

  await db.schema
    .createTable('scheduled_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduled_changes_due')
    .on('scheduled_changes')
    .columns(['status', 'scheduled_at'])
    .execute();
  await db.schema
    .createIndex('scheduled_changes_environment')
    .on('scheduled_changes')
    .columns(['environment_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduled_changes').execute();
  await db.schema.dropTable('change_request_approvals').execute();
  await db.schema.dropTable('change_requests').execute();
  await db.schema.alterTable('environments').dropColumn('requires_approval').execute();
}
