import { type Kysely, sql, type Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { resolveFeatureInProject } from '../features/feature-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { EnvironmentRow, FeatureRow, IdentityRow, Tables } from '../storage/tables.js';
import type { TraitValue } from './identity-limits.js';
import { resolveIdentity } from './identity-lookup.js';

/** An identity override as the API and the evaluation layer see it: JSON parsed, booleans real. */
export interface StoredOverride {
  id: string;
  identity_id: string;
  feature_id: string;
  feature_key: string;
  enabled: boolean;
  value: unknown;
  hash_key: string;
  updated_at: string;
}

export type OverrideFeature = Pick<FeatureRow, 'id' | 'key' | 'type'>;

/**
 * Storage of identities, their traits and their overrides. Trait values are JSON scalars in a
 * text column; override values JSON or NULL. Parsing happens here, so nothing above sees rows.
 */
export class IdentitiesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(
    work: (repository: IdentitiesRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new IdentitiesRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  /**
   * A feature by id or key, only if it belongs to the project (overrides never cross
   * projects); throws `feature_not_found`.
   */
  findFeature(projectId: string, featureRef: string): Promise<OverrideFeature> {
    return resolveFeatureInProject(this.db, projectId, featureRef);
  }

  /** Pages by id; `prefix` matches the identifier's start exactly (case-sensitive on both dialects). */
  list(environmentId: string, page: PageRequest, prefix?: string) {
    let query = this.db.selectFrom('identities').selectAll().where('environment_id', '=', environmentId);
    if (prefix) {
      // Not LIKE: it folds ASCII case on SQLite only and needs its wildcards escaped. substr counts
      // characters on both dialects, so this matches exactly the same rows on each.
      const length = [...prefix].length;
      query = query.where(sql<string>`substr(identifier, 1, ${length})`, '=', prefix);
    }
    return paginate(query, 'id', page);
  }

  /** By id or identifier; throws `identity_not_found`. */
  find(environment: EnvironmentRow, ref: string): Promise<IdentityRow> {
    return resolveIdentity(this.db, environment, ref);
  }

  /** Inserts unless the identifier is taken in the environment; false when it was. */
  async insertIfAbsent(row: IdentityRow): Promise<boolean> {
    const inserted = await this.db
      .insertInto('identities')
      .values(row)
      .onConflict((oc) => oc.columns(['environment_id', 'identifier']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * Returns the id of the identity, creating it if missing. The no-op update on conflict makes
   * PostgreSQL lock the row until commit, so concurrent trait writes to one identity take
   * turns and the per-identity trait limit holds (SQLite has one writer anyway).
   */
  async ensure(row: IdentityRow): Promise<string> {
    const { id } = await this.db
      .insertInto('identities')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['environment_id', 'identifier'])
          .doUpdateSet((eb) => ({ identifier: eb.ref('excluded.identifier') })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('identities').where('id', '=', id).execute();
  }

  /** The identity with its traits in one query (request path of SDK evaluation). */
  async loadWithTraits(
    environmentId: string,
    identifier: string,
  ): Promise<{ id: string; identifier: string; traits: Record<string, TraitValue> } | undefined> {
    const rows = await this.db
      .selectFrom('identities as i')
      .leftJoin('identity_traits as t', 't.identity_id', 'i.id')
      .select(['i.id', 'i.identifier', 't.trait_key', 't.trait_value'])
      .where('i.environment_id', '=', environmentId)
      .where('i.identifier', '=', identifier)
      .execute();
    if (rows.length === 0) return undefined;
    const entries = rows.flatMap((r) =>
      r.trait_key === null ? [] : [[r.trait_key, parseTrait(r.trait_value)] as const],
    );
    return { id: rows[0].id, identifier: rows[0].identifier, traits: Object.fromEntries(entries) };
  }

  async traits(identityId: string): Promise<Record<string, TraitValue>> {
    const rows = await this.db
      .selectFrom('identity_traits')
      .select(['trait_key', 'trait_value'])
      .where('identity_id', '=', identityId)
      .orderBy('trait_key')
      .execute();
    // fromEntries defines own properties, so a trait named `__proto__` stays a trait.
    return Object.fromEntries(rows.map((r) => [r.trait_key, parseTrait(r.trait_value)]));
  }

  /** Keys MUST be distinct: PostgreSQL refuses to upsert one row twice in a statement. */
  async upsertTraits(identityId: string, traits: readonly (readonly [string, TraitValue])[]): Promise<void> {
    if (traits.length === 0) return;
    await this.db
      .insertInto('identity_traits')
      .values(
        traits.map(([key, value]) => ({
          identity_id: identityId,
          trait_key: key,
          trait_value: JSON.stringify(value),
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['identity_id', 'trait_key'])
          .doUpdateSet((eb) => ({ trait_value: eb.ref('excluded.trait_value') })),
      )
      .execute();
  }

  async deleteTraits(identityId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .deleteFrom('identity_traits')
      .where('identity_id', '=', identityId)
      .where('trait_key', 'in', keys)
      .execute();
  }

  async deleteAllTraits(identityId: string): Promise<void> {
    await this.db.deleteFrom('identity_traits').where('identity_id', '=', identityId).execute();
  }

  async countTraits(identityId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom('identity_traits')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('identity_id', '=', identityId)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async countOverrides(identityId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom('identity_overrides')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('identity_id', '=', identityId)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async listOverrides(identityId: string, page: PageRequest) {
    const result = await paginate(
      this.overridesQuery().where('o.identity_id', '=', identityId),
      'o.id',
      page,
    );
    return { items: result.items.map(toOverride), next_cursor: result.next_cursor };
  }

  async allOverrides(identityId: string): Promise<StoredOverride[]> {
    const rows = await this.overridesQuery()
      .where('o.identity_id', '=', identityId)
      .orderBy('o.id')
      .execute();
    return rows.map(toOverride);
  }

  /** The overrides of one feature in one environment, with each identity's identifier; paged by override id. */
  async listOverridesOfFeature(environmentId: string, featureId: string, page: PageRequest) {
    const result = await paginate(
      this.overridesQuery()
        .innerJoin('identities as i', 'i.id', 'o.identity_id')
        .select('i.identifier')
        .where('i.environment_id', '=', environmentId)
        .where('o.feature_id', '=', featureId),
      'o.id',
      page,
    );
    return {
      items: result.items.map((row) => ({ ...toOverride(row), identifier: row.identifier })),
      next_cursor: result.next_cursor,
    };
  }

  findOverride(identityId: string, featureId: string): Promise<StoredOverride | undefined> {
    return this.overridesQuery()
      .where('o.identity_id', '=', identityId)
      .where('o.feature_id', '=', featureId)
      .executeTakeFirst()
      .then((row) => row && toOverride(row));
  }

  /**
   * Creates or replaces the override of (identity, feature). A replacement keeps the id and the
   * hash key, so variant assignment does not move when an admin edits the value.
   */
  async upsertOverride(row: {
    id: string;
    identity_id: string;
    feature_id: string;
    enabled: boolean;
    value: unknown;
    hash_key: string;
    updated_at: string;
  }): Promise<{ override: Omit<StoredOverride, 'feature_key'>; created: boolean }> {
    const enabled = row.enabled ? 1 : 0;
    const value = row.value === null || row.value === undefined ? null : JSON.stringify(row.value);
    const stored = await this.db
      .insertInto('identity_overrides')
      .values({ ...row, enabled, value })
      .onConflict((oc) =>
        oc.columns(['identity_id', 'feature_id']).doUpdateSet({ enabled, value, updated_at: row.updated_at }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      override: { ...stored, enabled: stored.enabled === 1, value: parseValue(stored.value) },
      created: stored.id === row.id,
    };
  }

  /** Locks the identity's row until commit (a no-op update, portable); false when it is not there. */
  async lock(environmentId: string, id: string): Promise<boolean> {
    const locked = await this.db
      .updateTable('identities')
      .set((eb) => ({ identifier: eb.ref('identifier') }))
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    return locked !== undefined;
  }

  /** Returns how many rows went (0 or 1). */
  async deleteOverride(identityId: string, featureId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('identity_overrides')
      .where('identity_id', '=', identityId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private overridesQuery() {
    return this.db
      .selectFrom('identity_overrides as o')
      .innerJoin('features as f', 'f.id', 'o.feature_id')
      .select([
        'o.id',
        'o.identity_id',
        'o.feature_id',
        'f.key as feature_key',
        'o.enabled',
        'o.value',
        'o.hash_key',
        'o.updated_at',
      ]);
  }
}

type OverrideRow = Omit<StoredOverride, 'enabled' | 'value'> & { enabled: number; value: string | null };

function toOverride(row: OverrideRow): StoredOverride {
  return { ...row, enabled: row.enabled === 1, value: parseValue(row.value) };
}

function parseTrait(text: string | null): TraitValue {
  return JSON.parse(text as string) as TraitValue;
}

function parseValue(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
