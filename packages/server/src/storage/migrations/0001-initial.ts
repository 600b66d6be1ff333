import type { Kysely } from 'kysely';

/** The initial schema. Portable column types only; see storage/tables.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('projects_org_name', ['organisation_id', 'name'])
    .execute();

  await db.schema
    .createTable('environments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('client_key', 'text', (c) => c.notNull().unique())
    .addColumn('hide_disabled_flags', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('environments_project_key', ['project_id', 'key'])
    .execute();

  await db.schema
    .createTable('server_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('admin_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('features')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('server_key_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_value', 'text')
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('features_project_key', ['project_id', 'key'])
    .addUniqueConstraint('features_project_number', ['project_id', 'number'])
    .execute();

  await db.schema
    .createTable('feature_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('features.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('variants', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('hash_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('feature_states_env_feature', ['environment_id', 'feature_id'])
    .execute();

  await db.schema
    .createTable('segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('hash_key', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('segments_project_name', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('segment_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('segment_id', 'text', (c) => c.notNull().references('segments.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('features.id').onDelete('cascade'))
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('variants', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('hash_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('segment_overrides_env_segment_feature', [
      'environment_id',
      'segment_id',
      'feature_id',
    ])
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('identities_env_identifier', ['environment_id', 'identifier'])
    .execute();

  await db.schema
    .createTable('identity_traits')
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('trait_key', 'text', (c) => c.notNull())
    .addColumn('trait_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_traits_pk', ['identity_id', 'trait_key'])
    .execute();

  await db.schema
    .createTable('identity_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('features.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('hash_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('identity_overrides_identity_feature', ['identity_id', 'feature_id'])
    .execute();

  // Foreign keys are not indexed implicitly; these are the lookups the services make.
  await db.schema.createIndex('projects_org').on('projects').column('organisation_id').execute();
  await db.schema.createIndex('server_keys_env').on('server_keys').column('environment_id').execute();
  await db.schema.createIndex('feature_states_feature').on('feature_states').column('feature_id').execute();
  await db.schema
    .createIndex('segment_overrides_segment')
    .on('segment_overrides')
    .column('segment_id')
    .execute();
  await db.schema
    .createIndex('segment_overrides_feature')
    .on('segment_overrides')
    .column('feature_id')
    .execute();
  await db.schema
    .createIndex('identity_overrides_feature')
    .on('identity_overrides')
    .column('feature_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'identity_overrides',
    'identity_traits',
    'identities',
    'segment_overrides',
    'segments',
    'feature_states',
    'features',
    'admin_tokens',
    'server_keys',
    'environments',
    'projects',
    'organisations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
