import { recordAudit } from '../audit/audit.record.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { MetricRow } from '../storage/tables.js';
import type { MetricsRepository } from './metrics.repository.js';
import type { CreateMetric, Metric, PropertyFilter, UpdateMetric } from './metrics.schema.js';

/**
 * Metric definitions of a project: how the events of an experiment's units become one number
 * per unit. Experiments in any environment of the project measure them.
 */
export class MetricsService {
  constructor(private readonly metrics: MetricsRepository) {}

  async list(organisationId: string, projectRef: string, page: PageRequest): Promise<PageResult<Metric>> {
    const projectId = (await this.requireProject(organisationId, projectRef)).id;
    const rows = await this.metrics.list(projectId, page);
    return { items: rows.items.map(toMetric), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, projectRef: string, idOrKey: string): Promise<Metric> {
    const projectId = (await this.requireProject(organisationId, projectRef)).id;
    return toMetric(await this.require(projectId, idOrKey));
  }

  async create(organisationId: string, projectRef: string, input: CreateMetric): Promise<Metric> {
    const projectId = (await this.requireProject(organisationId, projectRef)).id;
    const now = new Date().toISOString();
    const row: MetricRow = {
      id: newId(),
      project_id: projectId,
      key: input.key,
      name: input.name,
      description: input.description ?? '',
      kind: input.kind,
      event_name: input.event_name,
      denominator_event_name: input.denominator_event_name ?? null,
      direction: input.direction ?? 'higher',
      winsorize_percentile: input.winsorize_percentile ?? null,
      conversion_window_hours: input.conversion_window_hours ?? null,
      property_filter: serialiseFilter(input.property_filter ?? null),
      created_at: now,
      updated_at: now,
    };
    checkDefinition(row);
    try {
      await this.metrics.transaction(async (repository, trx) => {
        await repository.insert(row);
        await recordAudit(trx, {
          ...auditScope(organisationId, row),
          action: 'create',
          after: toMetric(row),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw keyTaken(input.key);
      throw error;
    }
    return toMetric(row);
  }

  async update(
    organisationId: string,
    projectRef: string,
    idOrKey: string,
    input: UpdateMetric,
  ): Promise<Metric> {
    const projectId = (await this.requireProject(organisationId, projectRef)).id;
    return this.metrics.transaction(async (repository, trx) => {
      const current = await requireMetric(repository, projectId, idOrKey);
      const { property_filter, ...rest } = input;
      const columns = changedFields(current, {
        ...rest,
        ...(property_filter === undefined ? {} : { property_filter: serialiseFilter(property_filter) }),
      });
      if (nothingChanged(columns)) return toMetric(current);
      const changes: Partial<MetricRow> = { ...columns, updated_at: new Date().toISOString() };
      const next = { ...current, ...changes };
      checkDefinition(next);
      await repository.update(current.id, changes);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'update',
        before: toMetric(current),
        after: toMetric(next),
      });
      return toMetric(next);
    });
  }

  /** A metric an experiment measures stays: the experiment's results would lose it silently. */
  async delete(organisationId: string, projectRef: string, idOrKey: string): Promise<void> {
    const projectId = (await this.requireProject(organisationId, projectRef)).id;
    await this.metrics.transaction(async (repository, trx) => {
      const current = await requireMetric(repository, projectId, idOrKey);
      const experiments = await repository.experimentsUsing(current.id);
      if (experiments.length > 0) {
        throw conflict(
          'metric_in_use',
          `Metric '${current.key}' is measured by experiment(s) ${experiments.map((e) => `'${e}'`).join(', ')}; remove it from them first.`,
        );
      }
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'delete',
        before: toMetric(current),
      });
    });
  }

  private requireProject(organisationId: string, projectRef: string) {
    return this.metrics.resolveProject(organisationId, projectRef);
  }

  private require(projectId: string, idOrKey: string): Promise<MetricRow> {
    return requireMetric(this.metrics, projectId, idOrKey);
  }
}

async function requireMetric(
  repository: MetricsRepository,
  projectId: string,
  idOrKey: string,
): Promise<MetricRow> {
  const row = await repository.find(projectId, idOrKey);
  if (!row) throw notFound('metric', idOrKey);
  return row;
}

function auditScope(organisationId: string, row: MetricRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'metric' as const,
    resource_id: row.id,
    project_id: row.project_id,
  };
}

const keyTaken = (key: string) =>
  conflict('metric_key_taken', `This project already has a metric with key '${key}'; choose another key.`);

/** Rules across fields that a schema cannot state. */
function checkDefinition(row: MetricRow): void {
  if (row.kind === 'ratio' && !row.denominator_event_name) {
    throw invalid(
      'invalid_metric',
      'A ratio metric needs denominator_event_name: the event counted in the denominator.',
      { field: 'denominator_event_name' },
    );
  }
  if (row.kind !== 'ratio' && row.denominator_event_name) {
    throw invalid(
      'invalid_metric',
      `Only ratio metrics take denominator_event_name (this one is a ${row.kind} metric).`,
      { field: 'denominator_event_name' },
    );
  }
  if (row.kind === 'conversion' && row.winsorize_percentile !== null) {
    throw invalid(
      'invalid_metric',
      'A conversion metric is 0 or 1 per unit; winsorize_percentile applies to count, sum, mean and ratio.',
      { field: 'winsorize_percentile' },
    );
  }
  const filter = parseFilter(row.property_filter);
  if (filter) {
    const list = Array.isArray(filter.value);
    if ((filter.operator === 'in' || filter.operator === 'not_in') !== list) {
      throw invalid(
        'invalid_metric',
        list
          ? `property_filter.value is a list; use operator 'in' or 'not_in' with it.`
          : `property_filter.operator '${filter.operator}' takes a list of values.`,
        { field: 'property_filter/value' },
      );
    }
  }
}

function serialiseFilter(filter: PropertyFilter | null): string | null {
  return filter === null ? null : JSON.stringify(filter);
}

export function parseFilter(text: string | null): PropertyFilter | null {
  return text === null ? null : (JSON.parse(text) as PropertyFilter);
}

function toMetric(row: MetricRow): Metric {
  return { ...row, property_filter: parseFilter(row.property_filter) };
}
