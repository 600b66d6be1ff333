import type { Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.record.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type {
  EnvironmentRow,
  ExperimentMetricRow,
  ExperimentRow,
  ExperimentStatus,
  Tables,
} from '../storage/tables.js';
import type {
  ExperimentMetricWithKey,
  ExperimentsRepository,
  ExperimentWithFeature,
} from './experiments.repository.js';
import type {
  CreateExperiment,
  Experiment,
  ExperimentChange,
  UpdateExperiment,
} from './experiments.schema.js';

/** The engine's name for the share of units no variant takes. */
export const CONTROL_REMAINDER = 'control';

type MetricInputs = NonNullable<CreateExperiment['metrics']>;

/**
 * Experiments of one environment, each on a multivariate feature: draft → running → stopped.
 * Every lifecycle action is recorded on the experiment; analysis settings (metrics, method,
 * alpha, correction, CUPED) may change at any time, since results are recomputed from logs.
 */
export class ExperimentsService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(
    organisationId: string,
    environmentRef: string,
    page: PageRequest & { status?: ExperimentStatus },
  ): Promise<PageResult<Experiment>> {
    const environmentId = (await this.requireEnvironment(organisationId, environmentRef)).id;
    const rows = await this.experiments.list(environmentId, page);
    const metrics = await this.experiments.metricsOf(rows.items.map((r) => r.id));
    return { items: rows.items.map((row) => toExperiment(row, metrics)), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, environmentRef: string, idOrKey: string): Promise<Experiment> {
    const environmentId = (await this.requireEnvironment(organisationId, environmentRef)).id;
    return this.view(await this.require(environmentId, idOrKey));
  }

  /** The experiment row with its feature key, for results. */
  async find(organisationId: string, environmentRef: string, idOrKey: string) {
    const environment = await this.requireEnvironment(organisationId, environmentRef);
    const experiment = await this.require(environment.id, idOrKey);
    const metrics = await this.experiments.metricsOf([experiment.id]);
    return { environment, experiment, metrics };
  }

  async create(organisationId: string, environmentRef: string, input: CreateExperiment): Promise<Experiment> {
    try {
      const row = await this.experiments.transaction(async (repository, trx) => {
        const environment = await this.requireEnvironment(organisationId, environmentRef, repository);
        const environmentId = environment.id;
        const feature = await repository.findFeature(environment.project_id, input.feature);
        if (!feature) throw notFound('feature', input.feature);
        const now = this.now();
        const row: ExperimentRow = {
          id: newId(),
          environment_id: environmentId,
          feature_id: feature.id,
          key: input.key,
          name: input.name,
          hypothesis: input.hypothesis ?? '',
          control_variant: input.control_variant,
          status: 'draft',
          method: input.method ?? 'frequentist',
          alpha: input.alpha ?? 0.05,
          correction: input.correction ?? 'holm',
          cuped: input.cuped ? 1 : 0,
          cuped_window_days: input.cuped_window_days ?? 14,
          started_at: null,
          stopped_at: null,
          created_at: now,
          updated_at: now,
        };
        await repository.insert(row);
        await repository.replaceMetrics(
          row.id,
          await this.metricRows(repository, environment, row.id, input.metrics ?? []),
        );
        await record(repository, row.id, now, 'created', { feature: feature.key });
        const created = { ...row, feature_key: feature.key };
        const after = toExperiment(created, await repository.metricsOf([row.id]));
        await recordAudit(trx, {
          ...auditScope(organisationId, environment, row.id),
          action: 'create',
          after,
        });
        return created;
      });
      return this.view(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw keyTaken(input.key);
      throw error;
    }
  }

  async update(
    organisationId: string,
    environmentRef: string,
    idOrKey: string,
    input: UpdateExperiment,
  ): Promise<Experiment> {
    const row = await this.experiments.transaction(async (repository, trx) => {
      const environment = await this.requireEnvironment(organisationId, environmentRef, repository);
      const current = await this.require(environment.id, idOrKey, repository);
      const { metrics, cuped, ...fields } = input;
      const columns = changedFields(current, {
        ...fields,
        ...(cuped === undefined ? {} : { cuped: cuped ? 1 : 0 }),
      });
      const metricRows =
        metrics === undefined
          ? undefined
          : await this.metricRows(repository, environment, current.id, metrics);
      const metricsChanged =
        metricRows !== undefined && !sameMetrics(metricRows, await repository.metricsOf([current.id]));
      // As every admin PATCH: what changes nothing leaves the experiment, its record and its cached results alone.
      if (nothingChanged(columns) && !metricsChanged) return current;
      if (current.status === 'stopped') {
        throw conflict(
          'experiment_stopped',
          `Experiment '${current.key}' is stopped; its settings are final.`,
        );
      }
      if (columns.control_variant !== undefined && current.status !== 'draft') {
        throw conflict(
          'experiment_running',
          `Experiment '${current.key}' is running; its control variant was fixed when it started.`,
        );
      }
      const now = this.now();
      const changes: Partial<ExperimentRow> = { ...columns, updated_at: now };
      const before = toExperiment(current, await repository.metricsOf([current.id]));
      await repository.update(current.id, changes);
      if (metricsChanged && metricRows) await repository.replaceMetrics(current.id, metricRows);
      await record(repository, current.id, now, 'updated', {
        fields: [...Object.keys(columns), ...(metricsChanged ? ['metrics'] : [])],
      });
      const updated = { ...current, ...changes };
      await this.audit(trx, repository, organisationId, environment, 'update', before, updated);
      return updated;
    });
    return this.view(row);
  }

  /**
   * Starts a draft: the feature must have variants here, the control must be one of them (or
   * the unallocated remainder), and a primary metric must say what the experiment is for.
   */
  async start(organisationId: string, environmentRef: string, idOrKey: string): Promise<Experiment> {
    const row = await this.experiments.transaction(async (repository, trx) => {
      const environment = await this.requireEnvironment(organisationId, environmentRef, repository);
      const environmentId = environment.id;
      const current = await this.require(environmentId, idOrKey, repository);
      if (current.status !== 'draft') {
        throw conflict(
          'experiment_not_draft',
          `Experiment '${current.key}' is ${current.status}; only a draft can start (create a new experiment to run again).`,
        );
      }
      const variants = await repository.variants(environmentId, current.feature_id);
      if (variants.length === 0) {
        throw invalid(
          'feature_not_multivariate',
          `Feature '${current.feature_key}' has no variants in this environment; give its state variants first.`,
        );
      }
      const keys = variants.map((v) => v.key);
      const remainder = 100 - variants.reduce((total, v) => total + v.weight, 0);
      const choices = remainder > 1e-9 ? [...keys, CONTROL_REMAINDER] : keys;
      if (!choices.includes(current.control_variant)) {
        throw invalid(
          'invalid_control_variant',
          `control_variant '${current.control_variant}' is not a variant of '${current.feature_key}' here; one of: ${choices.join(', ')}.`,
          { allowed: choices },
        );
      }
      const metrics = await repository.metricsOf([current.id]);
      if (!metrics.some((m) => m.role === 'primary')) {
        throw invalid('primary_metric_required', 'Give the experiment a primary metric before starting it.');
      }
      const now = this.now();
      const changes = { status: 'running' as const, started_at: now, updated_at: now };
      await repository.update(current.id, changes);
      await record(repository, current.id, now, 'started', {
        variants: variants.map(({ key, weight }) => ({ key, weight })),
      });
      const started = { ...current, ...changes };
      await this.audit(
        trx,
        repository,
        organisationId,
        environment,
        'start',
        toExperiment(current, metrics),
        started,
      );
      return started;
    });
    return this.view(row);
  }

  async stop(organisationId: string, environmentRef: string, idOrKey: string): Promise<Experiment> {
    const row = await this.experiments.transaction(async (repository, trx) => {
      const environment = await this.requireEnvironment(organisationId, environmentRef, repository);
      const current = await this.require(environment.id, idOrKey, repository);
      if (current.status !== 'running') {
        throw conflict(
          'experiment_not_running',
          `Experiment '${current.key}' is ${current.status}; only a running one stops.`,
        );
      }
      const now = this.now();
      const changes = { status: 'stopped' as const, stopped_at: now, updated_at: now };
      await repository.update(current.id, changes);
      await record(repository, current.id, now, 'stopped', {});
      const before = toExperiment(current, await repository.metricsOf([current.id]));
      const stopped = { ...current, ...changes };
      await this.audit(trx, repository, organisationId, environment, 'stop', before, stopped);
      return stopped;
    });
    return this.view(row);
  }

  /** A running experiment is stopped first, so deleting one is a deliberate second step. */
  async delete(organisationId: string, environmentRef: string, idOrKey: string): Promise<void> {
    await this.experiments.transaction(async (repository, trx) => {
      const environment = await this.requireEnvironment(organisationId, environmentRef, repository);
      const current = await this.require(environment.id, idOrKey, repository);
      if (current.status === 'running') {
        throw conflict(
          'experiment_running',
          `Experiment '${current.key}' is running; stop it before deleting it.`,
        );
      }
      const before = toExperiment(current, await repository.metricsOf([current.id]));
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, environment, current.id),
        action: 'delete',
        before,
      });
    });
  }

  async changes(
    organisationId: string,
    environmentRef: string,
    idOrKey: string,
    page: PageRequest,
  ): Promise<PageResult<ExperimentChange>> {
    const environmentId = (await this.requireEnvironment(organisationId, environmentRef)).id;
    const current = await this.require(environmentId, idOrKey);
    const rows = await this.experiments.changes(current.id, page);
    return {
      items: rows.items.map((r) => ({
        id: r.id,
        at: r.at,
        action: r.action,
        details: JSON.parse(r.details),
      })),
      next_cursor: rows.next_cursor,
    };
  }

  private async metricRows(
    repository: ExperimentsRepository,
    environment: EnvironmentRow,
    experimentId: string,
    inputs: MetricInputs,
  ): Promise<ExperimentMetricRow[]> {
    const found = await repository.findMetrics(
      environment.project_id,
      inputs.map((i) => i.metric),
    );
    const seen = new Set<string>();
    return inputs.map((input, position) => {
      const metric = found.find((m) => m.id === input.metric) ?? found.find((m) => m.key === input.metric);
      if (!metric) {
        throw invalid(
          'metric_not_found',
          `metrics[${position}].metric: no metric '${input.metric}' in this project.`,
          {
            field: `metrics/${position}/metric`,
          },
        );
      }
      if (seen.has(metric.id)) {
        throw invalid('duplicate_metric', `metrics[${position}]: metric '${metric.key}' is listed twice.`, {
          field: `metrics/${position}/metric`,
        });
      }
      seen.add(metric.id);
      return { experiment_id: experimentId, metric_id: metric.id, role: input.role, position };
    });
  }

  /** `before` is read by the caller before the change; `after` with the metrics as now stored. */
  private async audit(
    trx: Transaction<Tables>,
    repository: ExperimentsRepository,
    organisationId: string,
    environment: EnvironmentRow,
    action: 'update' | 'start' | 'stop',
    before: Experiment,
    after: ExperimentWithFeature,
  ): Promise<void> {
    await recordAudit(trx, {
      ...auditScope(organisationId, environment, after.id),
      action,
      before,
      after: toExperiment(after, await repository.metricsOf([after.id])),
    });
  }

  private async view(row: ExperimentWithFeature): Promise<Experiment> {
    return toExperiment(row, await this.experiments.metricsOf([row.id]));
  }

  private async requireEnvironment(
    organisationId: string,
    environmentId: string,
    repository: ExperimentsRepository = this.experiments,
  ): Promise<EnvironmentRow> {
    return repository.resolveEnvironment(organisationId, environmentId);
  }

  private async require(
    environmentId: string,
    idOrKey: string,
    repository: ExperimentsRepository = this.experiments,
  ): Promise<ExperimentWithFeature> {
    const row = await repository.find(environmentId, idOrKey);
    if (!row) throw notFound('experiment', idOrKey);
    return row;
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}

const keyTaken = (key: string) =>
  conflict(
    'experiment_key_taken',
    `This environment already has an experiment with key '${key}'; choose another key.`,
  );

function auditScope(organisationId: string, environment: EnvironmentRow, experimentId: string) {
  return {
    organisation_id: organisationId,
    resource_type: 'experiment' as const,
    resource_id: experimentId,
    project_id: environment.project_id,
    environment_id: environment.id,
  };
}

async function record(
  repository: ExperimentsRepository,
  experimentId: string,
  at: string,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await repository.addChange({
    id: newId(),
    experiment_id: experimentId,
    at,
    action,
    details: JSON.stringify(details),
  });
}

function sameMetrics(
  wanted: readonly ExperimentMetricRow[],
  stored: readonly ExperimentMetricWithKey[],
): boolean {
  return (
    wanted.length === stored.length &&
    wanted.every((m, i) => m.metric_id === stored[i]?.metric_id && m.role === stored[i]?.role)
  );
}

function toExperiment(row: ExperimentWithFeature, metrics: readonly ExperimentMetricWithKey[]): Experiment {
  return {
    ...row,
    cuped: row.cuped === 1,
    metrics: metrics
      .filter((m) => m.experiment_id === row.id)
      .map((m) => ({ metric_id: m.metric_id, metric_key: m.metric_key, role: m.role })),
  };
}
