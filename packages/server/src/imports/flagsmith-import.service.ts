import { type Kysely, sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.record.js';
import { EnvironmentsRepository } from '../environments/environments.repository.js';
import { invalid } from '../errors.js';
import { FeaturesRepository } from '../features/features.repository.js';
import { recountUsage } from '../identities/environment-usage.js';
import { normaliseRules } from '../segments/segment-rules.js';
import { OPERATORS, type RuleInput } from '../segments/segment-rules.schema.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { newServerKey } from '../shared/keys.js';
import type { DialectName } from '../storage/database.js';
import type { FeatureRow, Tables } from '../storage/tables.js';
import type { FlagsmithEnvironmentDocument, FlagsmithFeatureState } from './flagsmith-document.schema.js';
import { checkFlagsmithDocument } from './flagsmith-document-checks.js';
import {
  type FeatureTypes,
  featureTypes,
  type ImportedRule,
  importedRule,
  importedValue,
  importedVariants,
  inferType,
  stateHashKey,
} from './flagsmith-mapping.js';

export interface ImportResult {
  project_id: string;
  environment_id: string;
  client_key: string;
  server_key: string;
  created: boolean;
  counts: { features: number; segments: number; segment_overrides: number; identity_overrides: number };
}

type Trx = Transaction<Tables>;

/**
 * Brings a Flagsmith environment document into Pennon so running applications keep working:
 * the document's `api_key` stays the environment's client key and every hashing seed is kept,
 * so no user changes bucket or variant. Importing the same document again updates in place.
 * The environment's segment and identity overrides are replaced by the document's.
 */
export class FlagsmithImportService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
    private readonly changes: ChangeRecorder,
  ) {}

  /** Throws `duplicate_segment_override` / `duplicate_identity_override` before writing anything. */
  async import(organisationId: string, document: FlagsmithEnvironmentDocument): Promise<ImportResult> {
    checkFlagsmithDocument(document);
    const types = featureTypes(document);
    const { result, change } = await this.db.transaction().execute(async (trx) => {
      const target = await this.environmentFor(trx, organisationId, document);
      const features = await this.importFeatures(
        trx,
        target.projectId,
        target.environmentId,
        document,
        types,
      );
      const segments = await this.importSegments(
        trx,
        target.projectId,
        target.environmentId,
        document,
        features,
        types,
      );
      const identityOverrides = await this.importIdentityOverrides(
        trx,
        target.environmentId,
        document,
        features,
      );
      // Identities were written in bulk: the quota counts start again from the tables.
      await recountUsage(trx, target.environmentId);
      const serverKey = newServerKey();
      await trx
        .insertInto('server_keys')
        .values({
          id: newId(),
          environment_id: target.environmentId,
          key: serverKey,
          name: 'flagsmith import',
          created_at: now(),
        })
        .execute();
      const change = await this.changes.touch(trx, { projectId: target.projectId });
      const result: ImportResult = {
        project_id: target.projectId,
        environment_id: target.environmentId,
        client_key: document.api_key,
        server_key: serverKey,
        created: target.created,
        counts: {
          features: features.size,
          segments: segments.segments,
          segment_overrides: segments.overrides,
          identity_overrides: identityOverrides,
        },
      };
      // One record for the whole import, not one per flag or override (a document may hold
      // thousands); the counts say what it touched, and both keys are masked.
      await recordAudit(trx, {
        organisation_id: organisationId,
        resource_type: 'import',
        resource_id: target.environmentId,
        action: 'import',
        project_id: target.projectId,
        environment_id: target.environmentId,
        after: { source: 'flagsmith', ...result },
      });
      return { result, change };
    });
    await this.changes.publish(change);
    return result;
  }

  private async environmentFor(trx: Trx, organisationId: string, document: FlagsmithEnvironmentDocument) {
    const existing = await trx
      .selectFrom('environments')
      .innerJoin('projects', 'projects.id', 'environments.project_id')
      .select(['environments.id', 'environments.project_id', 'projects.organisation_id'])
      .where('environments.client_key', '=', document.api_key)
      .executeTakeFirst();
    // The document's own settings; one without them gets Pennon's defaults (both on).
    const settings = {
      hide_disabled_flags: document.project.hide_disabled_flags ? 1 : 0,
      hide_sensitive_data: document.hide_sensitive_data === false ? 0 : 1,
      allow_client_traits: document.allow_client_traits === false ? 0 : 1,
    };
    if (existing) {
      if (existing.organisation_id !== organisationId) {
        throw invalid(
          'client_key_taken',
          'Another organisation already has an environment with this api_key.',
        );
      }
      await trx.updateTable('environments').set(settings).where('id', '=', existing.id).execute();
      return { environmentId: existing.id, projectId: existing.project_id, created: false };
    }
    let project = await trx
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('name', '=', document.project.name)
      .executeTakeFirst();
    if (!project) {
      project = { id: newId() };
      await trx
        .insertInto('projects')
        .values({
          id: project.id,
          organisation_id: organisationId,
          name: document.project.name,
          created_at: now(),
          updated_at: now(),
          next_feature_number: 1,
        })
        .execute();
    }
    const name = document.name || 'Imported';
    const key = await this.freeEnvironmentKey(trx, project.id, slug(name));
    const environmentId = newId();
    await trx
      .insertInto('environments')
      .values({
        id: environmentId,
        project_id: project.id,
        key,
        name,
        client_key: document.api_key,
        ...settings,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    await new EnvironmentsRepository(trx).createFeatureStates(environmentId, project.id, now());
    return { environmentId, projectId: project.id, created: true };
  }

  /** Upserts features by name and sets this environment's state for each. */
  private async importFeatures(
    trx: Trx,
    projectId: string,
    environmentId: string,
    document: FlagsmithEnvironmentDocument,
    types: FeatureTypes,
  ) {
    const features = new Map<string, FeatureRow>();
    for (const state of document.feature_states) {
      const feature = await this.upsertFeature(trx, projectId, state, types);
      features.set(feature.key, feature);
      const type = feature.type;
      const variants = importedVariants(type, state);
      const values = {
        enabled: state.enabled ? 1 : 0,
        value: serialise(importedValue(type, state.feature_state_value)),
        variants: JSON.stringify(variants),
        hash_key: stateHashKey(state),
        // A Flagsmith document expresses rollouts as segments, so an imported state has none.
        rollout_percentage: null,
        updated_at: now(),
      };
      // Every feature has a state in every environment (created with the feature or the
      // environment), so importing one is always an update.
      await trx
        .updateTable('feature_states')
        .set({ ...values, next_variant_priority: atLeast('next_variant_priority', nextPriority(variants)) })
        .where('environment_id', '=', environmentId)
        .where('feature_id', '=', feature.id)
        .execute();
    }
    return features;
  }

  private async upsertFeature(
    trx: Trx,
    projectId: string,
    state: FlagsmithFeatureState,
    types: FeatureTypes,
  ): Promise<FeatureRow> {
    const found = await trx
      .selectFrom('features')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key', '=', state.feature.name)
      .executeTakeFirst();
    if (found) return found;
    const { next_feature_number: counter } = await trx
      .selectFrom('projects')
      .select('next_feature_number')
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    // Keep Flagsmith's feature id when it was never handed out here: clients may have it cached.
    const number = Math.max(state.feature.id, counter);
    await trx
      .updateTable('projects')
      .set({ next_feature_number: number + 1 })
      .where('id', '=', projectId)
      .execute();
    const row: FeatureRow = {
      id: newId(),
      project_id: projectId,
      key: state.feature.name,
      type: types.get(state.feature.name) ?? inferType([state]),
      description: '',
      tags: '[]',
      server_key_only: 0,
      default_enabled: 0,
      default_value: null,
      number,
      created_at: now(),
      updated_at: now(),
    };
    await trx.insertInto('features').values(row).execute();
    await new FeaturesRepository(trx, this.dialect).createStates(row);
    return row;
  }

  private async importSegments(
    trx: Trx,
    projectId: string,
    environmentId: string,
    document: FlagsmithEnvironmentDocument,
    features: Map<string, FeatureRow>,
    types: FeatureTypes,
  ) {
    await trx.deleteFrom('segment_overrides').where('environment_id', '=', environmentId).execute();
    let overrides = 0;
    const segments = document.project.segments ?? [];
    for (const segment of segments) {
      const values = {
        hash_key: String(segment.id),
        // The admin API's own checks (depth, regex size, operators), through the same code.
        rules: JSON.stringify(normaliseRules(segment.rules.map(importedRule).map(asRuleInput))),
        updated_at: now(),
      };
      let row = await trx
        .selectFrom('segments')
        .select('id')
        .where('project_id', '=', projectId)
        .where('name', '=', segment.name)
        .executeTakeFirst();
      if (row) await trx.updateTable('segments').set(values).where('id', '=', row.id).execute();
      else {
        row = { id: newId() };
        await trx
          .insertInto('segments')
          .values({
            id: row.id,
            project_id: projectId,
            name: segment.name,
            description: '',
            created_at: now(),
            ...values,
          })
          .execute();
      }
      for (const state of segment.feature_states ?? []) {
        const feature =
          features.get(state.feature.name) ?? (await this.upsertFeature(trx, projectId, state, types));
        const variants = importedVariants(feature.type, state);
        await trx
          .insertInto('segment_overrides')
          .values({
            id: newId(),
            environment_id: environmentId,
            segment_id: row.id,
            feature_id: feature.id,
            priority: state.feature_segment?.priority ?? 0,
            enabled: state.enabled ? 1 : 0,
            value: serialise(importedValue(feature.type, state.feature_state_value)),
            variants: JSON.stringify(variants),
            hash_key: stateHashKey(state),
            next_variant_priority: nextPriority(variants),
            updated_at: now(),
          })
          .execute();
        overrides++;
      }
    }
    return { segments: segments.length, overrides };
  }

  private async importIdentityOverrides(
    trx: Trx,
    environmentId: string,
    document: FlagsmithEnvironmentDocument,
    features: Map<string, FeatureRow>,
  ) {
    await trx
      .deleteFrom('identity_overrides')
      .where('identity_id', 'in', (eb) =>
        eb.selectFrom('identities').select('id').where('environment_id', '=', environmentId),
      )
      .execute();
    let count = 0;
    for (const identity of document.identity_overrides ?? []) {
      let row = await trx
        .selectFrom('identities')
        .select('id')
        .where('environment_id', '=', environmentId)
        .where('identifier', '=', identity.identifier)
        .executeTakeFirst();
      if (!row) {
        row = { id: newId() };
        await trx
          .insertInto('identities')
          .values({
            id: row.id,
            environment_id: environmentId,
            identifier: identity.identifier,
            created_at: now(),
          })
          .execute();
      }
      for (const state of identity.identity_features ?? []) {
        const feature = features.get(state.feature.name);
        // An override of a feature the document does not define has nothing to override.
        if (!feature) continue;
        await trx
          .insertInto('identity_overrides')
          .values({
            id: newId(),
            identity_id: row.id,
            feature_id: feature.id,
            enabled: state.enabled ? 1 : 0,
            value: serialise(importedValue(feature.type, state.feature_state_value)),
            hash_key: stateHashKey(state),
            updated_at: now(),
          })
          .execute();
        count++;
      }
    }
    return count;
  }

  private async freeEnvironmentKey(trx: Trx, projectId: string, base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const key = n === 1 ? base : `${base}-${n}`;
      const taken = await trx
        .selectFrom('environments')
        .select('id')
        .where('project_id', '=', projectId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!taken) return key;
    }
  }
}

const now = () => new Date().toISOString();
const serialise = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50) || 'imported';

/** One more than the highest variant priority: where a variant added later starts. */
function nextPriority(variants: readonly { priority: number }[]): number {
  return Math.max(-1, ...variants.map((v) => v.priority)) + 1;
}

/** A counter column raised to at least `floor`, never lowered (portable SQL). */
function atLeast(column: 'next_variant_priority', floor: number) {
  return sql<number>`case when ${sql.ref(column)} > ${floor} then ${sql.ref(column)} else ${floor} end`;
}

/** A Flagsmith rule as the admin API takes it: its type must be one the engine knows. */
function asRuleInput(rule: ImportedRule): RuleInput {
  if (rule.type !== 'ALL' && rule.type !== 'ANY' && rule.type !== 'NONE') {
    throw invalid('invalid_rule', `A rule's type must be ALL, ANY or NONE (got '${rule.type}').`);
  }
  const conditions = rule.conditions.map((condition) => {
    const operator = OPERATORS.find((known) => known === condition.operator);
    if (!operator) throw invalid('invalid_condition', `Unknown operator '${condition.operator}'.`);
    return { ...condition, operator };
  });
  return { type: rule.type, conditions, rules: rule.rules.map(asRuleInput) };
}
