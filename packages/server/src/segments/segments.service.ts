import { recordAudit } from '../audit/audit.record.js';
import { conflict, invalid } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { SegmentRow } from '../storage/tables.js';
import { normaliseRules } from './segment-rules.js';
import type { Rule, RuleInput } from './segment-rules.schema.js';
import type { SegmentsRepository } from './segments.repository.js';
import type { CreateSegment, Segment, UpdateSegment } from './segments.schema.js';

/** Segments of a project: named rule trees over traits. Every change is a project-level change. */
export class SegmentsService {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  /** Throws `project_not_found` for projects of other organisations too. */
  async list(organisationId: string, projectId: string, page: PageRequest): Promise<PageResult<Segment>> {
    const project = await this.segments.findProject(organisationId, projectId);
    const rows = await this.segments.list(project.id, page);
    return { items: rows.items.map(toSegment), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, id: string): Promise<Segment> {
    return toSegment(await requireSegment(this.segments, organisationId, id));
  }

  async create(organisationId: string, projectRef: string, input: CreateSegment): Promise<Segment> {
    const projectId = (await this.segments.findProject(organisationId, projectRef)).id;
    const rules = requireRules(input.rules ?? []);
    return this.nameGuarded(input.name, async () => {
      const { row, change } = await this.segments.transaction(async (repository, trx) => {
        if (await repository.findByName(projectId, input.name)) throw nameTaken(input.name);
        const change = await this.changes.touch(trx, { projectId });
        const row: SegmentRow = {
          id: newId(),
          project_id: projectId,
          name: input.name,
          description: input.description ?? '',
          // Seeds PERCENTAGE_SPLIT: fixed for the segment's life, so nobody moves in or out on an edit.
          hash_key: newId(),
          rules: JSON.stringify(rules),
          created_at: change.at,
          updated_at: change.at,
        };
        await repository.insert(row);
        await recordAudit(trx, {
          ...auditScope(organisationId, row),
          action: 'create',
          after: toSegment(row),
        });
        return { row, change };
      });
      await this.changes.publish(change);
      return toSegment(row);
    });
  }

  async update(organisationId: string, id: string, input: UpdateSegment): Promise<Segment> {
    const rules = input.rules === undefined ? undefined : JSON.stringify(requireRules(input.rules));
    return this.nameGuarded(input.name, async () => {
      const { row, change } = await this.segments.transaction(async (repository, trx) => {
        const current = await requireSegment(repository, organisationId, id);
        if (
          input.name !== undefined &&
          input.name !== current.name &&
          (await repository.findByName(current.project_id, input.name))
        ) {
          throw nameTaken(input.name);
        }
        const changed = changedFields(current, { name: input.name, description: input.description, rules });
        if (nothingChanged(changed)) return { row: current, change: undefined };
        const change = await this.changes.touch(trx, { projectId: current.project_id });
        const changes = { ...changed, updated_at: change.at };
        await repository.update(current.id, changes);
        const row = { ...current, ...changes };
        await recordAudit(trx, {
          ...auditScope(organisationId, current),
          action: 'update',
          before: toSegment(current),
          after: toSegment(row),
        });
        return { row, change };
      });
      if (change) await this.changes.publish(change);
      return toSegment(row);
    });
  }

  /** Deletes the segment with its overrides in every environment. */
  async delete(organisationId: string, id: string): Promise<void> {
    const change = await this.segments.transaction(async (repository, trx) => {
      const current = await requireSegment(repository, organisationId, id);
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'delete',
        before: toSegment(current),
      });
      return this.changes.touch(trx, { projectId: current.project_id });
    });
    await this.changes.publish(change);
  }

  /** Two writes racing past the name check: the unique constraint decides, and the loser gets a 409. */
  private async nameGuarded<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (name !== undefined && isUniqueViolation(error)) throw nameTaken(name);
      throw error;
    }
  }
}

/** By id or name; throws `segment_not_found`, or `segment_ambiguous` for a name of several projects. */
function requireSegment(
  repository: SegmentsRepository,
  organisationId: string,
  ref: string,
): Promise<SegmentRow> {
  return repository.find(organisationId, ref);
}

/**
 * A segment with no rules never matches (DESIGN.md §3): nobody creates one meaning that, so it
 * is refused rather than stored to silently match no one.
 */
function requireRules(input: RuleInput[]): Rule[] {
  const rules = normaliseRules(input);
  if (rules.length === 0) {
    throw invalid(
      'segment_rules_required',
      'A segment with no rules never matches anyone; send at least one rule, e.g. "rules": ' +
        '[{"type":"ALL","conditions":[{"property":"plan","operator":"EQUAL","value":"pro"}]}].',
    );
  }
  return rules;
}

const nameTaken = (name: string) =>
  conflict('segment_name_taken', `A segment named '${name}' already exists in this project.`);

function auditScope(organisationId: string, row: SegmentRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'segment' as const,
    resource_id: row.id,
    project_id: row.project_id,
  };
}

function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    description: row.description,
    rules: JSON.parse(row.rules) as Rule[],
    hash_key: row.hash_key,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
