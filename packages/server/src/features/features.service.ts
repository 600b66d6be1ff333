import { recordAudit } from '../audit/audit.record.js';
import { conflict, invalid } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { FeatureRow } from '../storage/tables.js';
import { checkValue, parseValue, serialiseValue } from './feature-values.js';
import type { FeatureChanges, FeaturesRepository } from './features.repository.js';
import type { CreateFeature, Feature, UpdateFeature } from './features.schema.js';

/** A racing creation can take the number we read; the next attempt reads the new maximum. */
const CREATE_ATTEMPTS = 3;

/**
 * Features of a project. Each feature has a state in every environment of its project from
 * the moment it exists; every change is recorded as a project-level change.
 */
export class FeaturesService {
  constructor(
    private readonly features: FeaturesRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  /** Throws `project_not_found` for projects of other organisations too. */
  async list(
    organisationId: string,
    projectId: string,
    page: PageRequest & { tag?: string },
  ): Promise<PageResult<Feature>> {
    const project = await this.features.findProject(organisationId, projectId);
    const rows = await this.features.list(project.id, page);
    return { items: rows.items.map(toFeature), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, id: string): Promise<Feature> {
    return toFeature(await this.require(this.features, organisationId, id));
  }

  async create(organisationId: string, projectRef: string, input: CreateFeature): Promise<Feature> {
    const projectId = (await this.features.findProject(organisationId, projectRef)).id;
    const defaultValue = input.default_value ?? null;
    checkValue(input.type, defaultValue, 'default_value');
    for (let attempt = 1; ; attempt++) {
      try {
        const { row, change } = await this.features.transaction(async (repository, trx) => {
          if (await repository.findByKey(projectId, input.key)) throw keyTaken(input.key);
          const change = await this.changes.touch(trx, { projectId });
          const row: FeatureRow = {
            id: newId(),
            project_id: projectId,
            key: input.key,
            type: input.type,
            description: input.description ?? '',
            tags: JSON.stringify(input.tags ?? []),
            server_key_only: input.server_key_only ? 1 : 0,
            default_enabled: input.default_enabled ? 1 : 0,
            default_value: serialiseValue(defaultValue),
            number: await repository.nextNumber(projectId),
            owner: input.owner ?? '',
            archived: 0,
            created_at: change.at,
            updated_at: change.at,
          };
          await repository.insert(row);
          await repository.createStates(row);
          await recordAudit(trx, {
            ...auditScope(organisationId, row),
            action: 'create',
            after: toFeature(row),
          });
          return { row, change };
        });
        await this.changes.publish(change);
        return toFeature(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (await this.features.findByKey(projectId, input.key)) throw keyTaken(input.key);
        if (attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Defaults apply to states created later (new environments); existing states keep theirs.
   * Archiving changes no snapshot (archived flags keep evaluating), but is recorded as a change
   * like any other edit, so every server sees the same `updated_at`.
   * Changing nothing records nothing (shared/patch.ts).
   */
  async update(organisationId: string, id: string, input: UpdateFeature): Promise<Feature> {
    const { row, change } = await this.features.transaction(async (repository, trx) => {
      const current = await this.require(repository, organisationId, id);
      if (input.key !== undefined && input.key !== current.key) {
        throw invalid('feature_key_immutable', 'A feature key cannot change: SDKs ask for flags by key.');
      }
      if (input.type !== undefined && input.type !== current.type) {
        throw invalid(
          'feature_type_immutable',
          'A feature type cannot change: stored values are typed by it.',
        );
      }
      const changes: FeatureChanges = {};
      if (input.description !== undefined) changes.description = input.description;
      if (input.tags !== undefined) changes.tags = JSON.stringify(input.tags);
      if (input.server_key_only !== undefined) changes.server_key_only = input.server_key_only ? 1 : 0;
      if (input.default_enabled !== undefined) changes.default_enabled = input.default_enabled ? 1 : 0;
      if (input.owner !== undefined) changes.owner = input.owner;
      if (input.archived !== undefined) changes.archived = input.archived ? 1 : 0;
      if (input.default_value !== undefined) {
        checkValue(current.type, input.default_value, 'default_value');
        changes.default_value = serialiseValue(input.default_value);
      }
      const changed = changedFields(current, changes);
      if (nothingChanged(changed)) return { row: current, change: undefined };
      const change = await this.changes.touch(trx, { projectId: current.project_id });
      changed.updated_at = change.at;
      await repository.update(current.id, changed);
      const row = { ...current, ...changed };
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'update',
        before: toFeature(current),
        after: toFeature(row),
      });
      return { row, change };
    });
    if (change) await this.changes.publish(change);
    return toFeature(row);
  }

  /** Deletes the feature with its states and overrides in every environment. */
  async delete(organisationId: string, id: string): Promise<void> {
    const change = await this.features.transaction(async (repository, trx) => {
      const current = await this.require(repository, organisationId, id);
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'delete',
        before: toFeature(current),
      });
      return this.changes.touch(trx, { projectId: current.project_id });
    });
    await this.changes.publish(change);
  }

  /** By id or key; throws `feature_not_found`, or `feature_ambiguous` for a key of several projects. */
  private require(repository: FeaturesRepository, organisationId: string, ref: string): Promise<FeatureRow> {
    return repository.find(organisationId, ref);
  }
}

const keyTaken = (key: string) =>
  conflict('feature_key_taken', `A feature with key '${key}' already exists in this project.`);

function auditScope(organisationId: string, row: FeatureRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'feature' as const,
    resource_id: row.id,
    project_id: row.project_id,
  };
}

function toFeature(row: FeatureRow): Feature {
  return {
    id: row.id,
    project_id: row.project_id,
    key: row.key,
    number: row.number,
    type: row.type,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    server_key_only: row.server_key_only === 1,
    default_enabled: row.default_enabled === 1,
    default_value: parseValue(row.default_value),
    owner: row.owner ?? '',
    archived: row.archived === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
