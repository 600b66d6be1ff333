import type { Transaction } from 'kysely';
import { organisationOfProject, recordAudit } from '../audit/audit.record.js';
import { refuseDirectChange } from '../environments/protection.js';
import { conflict, notFound, PennonError } from '../errors.js';
import { checkValue } from '../features/feature-values.js';
import type { PageResult } from '../http/schemas.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import type { PageRequest } from '../storage/paging.js';
import type { EnvironmentRow, IdentityRow, Tables } from '../storage/tables.js';
import { adjustUsage, type IdentityQuotas, UNLIMITED } from './environment-usage.js';
import { IdentitiesRepository, type StoredOverride } from './identities.repository.js';
import type {
  CreateIdentity,
  FeatureIdentityOverride,
  FeatureOverridesQuery,
  Identity,
  IdentityDetail,
  IdentityListQuery,
  PutOverride,
} from './identities.schema.js';
import {
  MAX_TRAITS_PER_IDENTITY,
  type TraitInput,
  type TraitValue,
  tooManyTraits,
  validateIdentifier,
  validateTraits,
} from './identity-limits.js';

export type Traits = Record<string, TraitValue>;

/**
 * Identities of an environment: stored traits (read per request, so changing them publishes
 * nothing) and identity overrides (compiled into the environment snapshot, so every change
 * to them is recorded through `ChangeRecorder`).
 *
 * Admin methods take the caller's organisation and answer `<thing>_not_found` for anything
 * outside it. SDK methods (`loadForEvaluation`, `identifyAndStoreTraits`) take an environment
 * id the caller already resolved from a key. Overrides reach evaluation through the
 * environment snapshot (evaluation/environment-loader.ts), not through this service.
 */
export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly changes: ChangeRecorder,
    private readonly quotas: IdentityQuotas = UNLIMITED,
  ) {}

  /**
   * The stored identity and its traits, in one query; undefined when the identity was never
   * stored (or its identifier could not be stored at all).
   */
  async loadForEvaluation(
    environmentId: string,
    identifier: string,
  ): Promise<{ id: string; identifier: string; traits: Traits } | undefined> {
    if (validateIdentifier(identifier)) return undefined;
    return this.identities.loadWithTraits(environmentId, identifier);
  }

  /**
   * Creates the identity if missing, upserts the given traits and deletes those given as null,
   * in one transaction; returns the whole stored trait set. Throws `invalid` errors
   * (identity-limits.ts), including `too_many_traits` when the merged set would exceed
   * MAX_TRAITS_PER_IDENTITY, in which case nothing is written. Repeated keys: the last wins.
   *
   * @example
   * await service.identifyAndStoreTraits(envId, 'user-1', [{ key: 'plan', value: 'pro' }, { key: 'beta', value: null }]);
   * // → { identifier: 'user-1', traits: { plan: 'pro', ...other stored traits } }
   */
  async identifyAndStoreTraits(
    environmentId: string,
    identifier: string,
    traits: readonly TraitInput[],
  ): Promise<{ identifier: string; traits: Traits }> {
    const error = validateIdentifier(identifier) ?? validateTraits(traits);
    if (error) throw error;
    const stored = await this.identities.transaction(async (repo, trx) => {
      const row = {
        id: newId(),
        environment_id: environmentId,
        identifier,
        created_at: new Date().toISOString(),
      };
      const id = await repo.ensure(row);
      // An existing identity keeps its id, so a new one is one that got ours.
      const created = id === row.id;
      const before = created ? 0 : await repo.countTraits(id);
      const merged = await mergeTraits(repo, id, traits);
      await adjustUsage(
        trx,
        environmentId,
        { identities: created ? 1 : 0, traits: Object.keys(merged).length - before },
        this.quotas,
      );
      return merged;
    });
    return { identifier, traits: stored };
  }

  async list(
    organisationId: string,
    environmentId: string,
    query: IdentityListQuery,
  ): Promise<PageResult<Identity>> {
    const environment = await this.environment(organisationId, environmentId);
    // No identifier holds NUL (identity-limits.ts), and PostgreSQL cannot even compare text with it.
    if (query.q?.includes('\u0000')) return { items: [], next_cursor: null };
    return this.identities.list(environment.id, query, query.q);
  }

  async get(organisationId: string, environmentId: string, id: string): Promise<IdentityDetail> {
    const { identity } = await this.identity(organisationId, environmentId, id);
    const [traits, overrides] = await Promise.all([
      this.identities.traits(identity.id),
      this.identities.allOverrides(identity.id),
    ]);
    return { ...identity, traits, overrides };
  }

  /** Throws `identity_exists` (409) when the identifier is taken in the environment. */
  async create(
    organisationId: string,
    environmentId: string,
    input: CreateIdentity,
  ): Promise<IdentityDetail> {
    const environment = await this.environment(organisationId, environmentId);
    const traits = input.traits ?? {};
    const error = validateIdentifier(input.identifier) ?? validateTraits(traits);
    if (error) throw error;
    const row: IdentityRow = {
      id: newId(),
      environment_id: environment.id,
      identifier: input.identifier,
      created_at: new Date().toISOString(),
    };
    const stored = await this.identities.transaction(async (repo, trx) => {
      if (!(await repo.insertIfAbsent(row))) {
        throw conflict(
          'identity_exists',
          `An identity '${input.identifier}' already exists in this environment.`,
        );
      }
      await repo.upsertTraits(row.id, Object.entries(traits));
      const stored = await repo.traits(row.id);
      const delta = { identities: 1, traits: Object.keys(stored).length };
      await adjustUsage(trx, environment.id, delta, this.quotas);
      await recordAudit(trx, {
        ...auditScope(organisationId, environment, row.id),
        action: 'create',
        after: { ...row, traits: stored },
      });
      return stored;
    });
    return { ...row, traits: stored, overrides: [] };
  }

  /** Removes the identity with its traits and overrides (cascade); publishes a change if it had overrides. */
  async delete(organisationId: string, environmentId: string, id: string): Promise<void> {
    const environment = await this.environment(organisationId, environmentId);
    const change = await this.identities.transaction(async (repo, trx) => {
      const identity = await repo.find(environment, id);
      const overrides = await repo.countOverrides(identity.id);
      const traits = await repo.traits(identity.id);
      await repo.delete(identity.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, environment, identity.id),
        action: 'delete',
        before: { ...identity, traits },
      });
      const traitCount = Object.keys(traits).length;
      await adjustUsage(trx, environment.id, { identities: -1, traits: -traitCount }, this.quotas);
      return overrides > 0 ? this.changes.touch(trx, scopeOf(environment)) : undefined;
    });
    if (change) await this.changes.publish(change);
  }

  /** Replaces the whole trait set. */
  async replaceTraits(
    organisationId: string,
    environmentId: string,
    id: string,
    traits: Traits,
  ): Promise<Traits> {
    const environment = await this.environment(organisationId, environmentId);
    const error = validateTraits(traits);
    if (error) throw error;
    return this.identities.transaction(async (repo, trx) => {
      const identity = await this.lockIdentity(repo, environment, id);
      const before = await repo.traits(identity.id);
      await repo.deleteAllTraits(identity.id);
      await repo.upsertTraits(identity.id, Object.entries(traits));
      const stored = await repo.traits(identity.id);
      const delta = { identities: 0, traits: Object.keys(stored).length - Object.keys(before).length };
      await adjustUsage(trx, environment.id, delta, this.quotas);
      await recordTraitChange(trx, organisationId, environment, identity, before, stored);
      return stored;
    });
  }

  /** Merges into the trait set; a null value deletes the key. */
  async patchTraits(
    organisationId: string,
    environmentId: string,
    id: string,
    traits: Record<string, TraitValue | null>,
  ): Promise<Traits> {
    const environment = await this.environment(organisationId, environmentId);
    const error = validateTraits(traits);
    if (error) throw error;
    return this.identities.transaction(async (repo, trx) => {
      const identity = await this.lockIdentity(repo, environment, id);
      const before = await repo.traits(identity.id);
      const stored = await mergeTraits(
        repo,
        identity.id,
        Object.entries(traits).map(([key, value]) => ({ key, value })),
      );
      const delta = { identities: 0, traits: Object.keys(stored).length - Object.keys(before).length };
      await adjustUsage(trx, environment.id, delta, this.quotas);
      await recordTraitChange(trx, organisationId, environment, identity, before, stored);
      return stored;
    });
  }

  /**
   * Who has an override of one feature here: the flag page lists them. Throws
   * `feature_not_found` for a feature outside the environment's project.
   */
  async listOverridesOfFeature(
    organisationId: string,
    environmentId: string,
    query: FeatureOverridesQuery,
  ): Promise<PageResult<FeatureIdentityOverride>> {
    const environment = await this.environment(organisationId, environmentId);
    const feature = await this.identities.findFeature(environment.project_id, query.feature_id);
    const page = await this.identities.listOverridesOfFeature(environment.id, feature.id, query);
    return {
      items: page.items.map((o) => ({
        identity_id: o.identity_id,
        identifier: o.identifier,
        feature_id: o.feature_id,
        feature_key: o.feature_key,
        enabled: o.enabled,
        value: o.value,
        updated_at: o.updated_at,
      })),
      next_cursor: page.next_cursor,
    };
  }

  async listOverrides(
    organisationId: string,
    environmentId: string,
    id: string,
    page: PageRequest,
  ): Promise<PageResult<StoredOverride>> {
    const { identity } = await this.identity(organisationId, environmentId, id);
    return this.identities.listOverrides(identity.id, page);
  }

  /**
   * Creates or replaces the identity's override of a feature of the environment's project
   * (`feature_not_found` otherwise); the value must fit the feature's type, as for feature states
   * (`invalid_value`, `value_too_large`; null always fits). Refused with `change_request_required`
   * on a protected environment, as is `deleteOverride`.
   */
  async putOverride(
    organisationId: string,
    environmentId: string,
    id: string,
    featureId: string,
    input: PutOverride,
  ): Promise<{ override: StoredOverride; created: boolean }> {
    const environment = await this.environment(organisationId, environmentId);
    refuseDirectChange(environment);
    const { result, change } = await this.identities.transaction((_repo, trx) =>
      this.putOverrideIn(trx, environment, id, featureId, input),
    );
    await this.changes.publish(change);
    return result;
  }

  /**
   * `putOverride` inside the caller's transaction (change requests, scheduled changes): no
   * protection check, nothing published; the caller publishes `change` after commit.
   */
  async putOverrideIn(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    identityRef: string,
    featureRef: string,
    input: PutOverride,
  ): Promise<{ result: { override: StoredOverride; created: boolean }; change: ConfigChange }> {
    const repo = new IdentitiesRepository(trx);
    const identity = await repo.find(environment, identityRef);
    const feature = await repo.findFeature(environment.project_id, featureRef);
    const value = input.value ?? null;
    checkValue(feature.type, value, 'value');
    const before = await repo.findOverride(identity.id, feature.id);
    const stored = await repo.upsertOverride({
      id: newId(),
      identity_id: identity.id,
      feature_id: feature.id,
      enabled: input.enabled,
      value,
      hash_key: newId(),
      updated_at: new Date().toISOString(),
    });
    const organisationId = await organisationOfProject(trx, environment.project_id);
    await recordAudit(trx, {
      ...auditScope(organisationId, environment, stored.override.id),
      resource_type: 'identity_override',
      action: before ? 'update' : 'create',
      before: before ?? null,
      after: { ...stored.override, feature_key: feature.key },
    });
    const change = await this.changes.touch(trx, scopeOf(environment));
    return {
      result: { override: { ...stored.override, feature_key: feature.key }, created: stored.created },
      change,
    };
  }

  async deleteOverride(
    organisationId: string,
    environmentId: string,
    id: string,
    featureId: string,
  ): Promise<void> {
    const environment = await this.environment(organisationId, environmentId);
    refuseDirectChange(environment);
    const change = await this.identities.transaction((_repo, trx) =>
      this.deleteOverrideIn(trx, environment, id, featureId),
    );
    await this.changes.publish(change);
  }

  /** `deleteOverride` inside the caller's transaction, as `putOverrideIn`. */
  async deleteOverrideIn(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    identityRef: string,
    featureRef: string,
  ): Promise<ConfigChange> {
    const repo = new IdentitiesRepository(trx);
    const identity = await repo.find(environment, identityRef);
    const feature = await repo.findFeature(environment.project_id, featureRef);
    const before = await repo.findOverride(identity.id, feature.id);
    const deleted = await repo.deleteOverride(identity.id, feature.id);
    if (!before || deleted === 0) {
      throw new PennonError(
        'not_found',
        'identity_override_not_found',
        `Identity '${identity.identifier}' has no override of feature '${feature.key}'.`,
      );
    }
    await recordAudit(trx, {
      ...auditScope(await organisationOfProject(trx, environment.project_id), environment, before.id),
      resource_type: 'identity_override',
      action: 'delete',
      before,
    });
    return this.changes.touch(trx, scopeOf(environment));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  private environment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return this.identities.findEnvironment(organisationId, environmentRef);
  }

  private async identity(
    organisationId: string,
    environmentId: string,
    id: string,
  ): Promise<{ environment: EnvironmentRow; identity: IdentityRow }> {
    const environment = await this.environment(organisationId, environmentId);
    const identity = await this.identities.find(environment, id);
    return { environment, identity };
  }

  /** Resolves the identity by id or identifier and locks its row until commit. */
  private async lockIdentity(
    repo: IdentitiesRepository,
    environment: EnvironmentRow,
    ref: string,
  ): Promise<IdentityRow> {
    const identity = await repo.find(environment, ref);
    // Deleted between the lookup and the lock: as gone as if never found.
    if (!(await repo.lock(environment.id, identity.id))) throw notFound('identity', identity.id);
    return identity;
  }
}

/**
 * Applies trait writes to a stored identity and returns the resulting set; throws
 * `too_many_traits` when the result exceeds the limit, so the caller's transaction rolls back.
 */
async function mergeTraits(
  repo: IdentitiesRepository,
  identityId: string,
  traits: readonly TraitInput[],
): Promise<Traits> {
  const latest = new Map<string, TraitValue | null>();
  for (const { key, value } of traits) latest.set(key, value);
  const entries = [...latest];
  await repo.deleteTraits(
    identityId,
    entries.filter(([, value]) => value === null).map(([key]) => key),
  );
  await repo.upsertTraits(
    identityId,
    entries.filter((entry): entry is [string, TraitValue] => entry[1] !== null),
  );
  const stored = await repo.traits(identityId);
  const count = Object.keys(stored).length;
  if (count > MAX_TRAITS_PER_IDENTITY) throw tooManyTraits(count);
  return stored;
}

/**
 * Admin writes only. Identities and traits stored through SDK keys (identifyAndStoreTraits) are
 * not audited: they are end users' data at SDK volume, not configuration anyone changed.
 */
function auditScope(organisationId: string, environment: EnvironmentRow, resourceId: string) {
  return {
    organisation_id: organisationId,
    resource_type: 'identity' as 'identity' | 'identity_override',
    resource_id: resourceId,
    project_id: environment.project_id,
    environment_id: environment.id,
  };
}

async function recordTraitChange(
  trx: Transaction<Tables>,
  organisationId: string,
  environment: EnvironmentRow,
  identity: IdentityRow,
  before: Traits,
  after: Traits,
): Promise<void> {
  await recordAudit(trx, {
    ...auditScope(organisationId, environment, identity.id),
    action: 'update',
    before: { ...identity, traits: before },
    after: { ...identity, traits: after },
  });
}

function scopeOf(environment: EnvironmentRow): { projectId: string; environmentId: string } {
  return { projectId: environment.project_id, environmentId: environment.id };
}
