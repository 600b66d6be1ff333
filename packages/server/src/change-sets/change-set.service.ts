import type { Kysely, Transaction } from 'kysely';
import { invalid, PennonError } from '../errors.js';
import type { FeatureStatesService } from '../features/feature-states.service.js';
import { stateFields } from '../features/state-values.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import type { SegmentOverridesService } from '../segments/segment-overrides.service.js';
import type { EnvironmentRow, Tables } from '../storage/tables.js';
import { ChangeSetRepository, type TargetRow } from './change-set.repository.js';
import type {
  ChangeDiff,
  ChangeInput,
  ChangeTarget,
  PlannedChange,
  SeenVersion,
} from './change-set.schema.js';

/** The domain services changes are applied through, each with its `…In(trx, …)` methods. */
export interface ChangeAppliers {
  states: FeatureStatesService;
  overrides: SegmentOverridesService;
  identities: IdentitiesService;
}

export interface ApplyOptions {
  /**
   * Refuse (409 `conflict`) when a target moved since the change was planned. Change requests
   * check: approvers approved a diff against that version. Scheduled changes do not: "turn it
   * on at nine" still holds after someone edited the value at eight.
   */
  checkVersions: boolean;
}

/**
 * A list of changes to one environment, as change requests and scheduled changes carry it:
 * planned (targets resolved, versions recorded, validated by a trial run), shown as a diff,
 * and applied inside the caller's transaction, all or nothing.
 */
export class ChangeSetService {
  private readonly reads: ChangeSetRepository;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly appliers: ChangeAppliers,
  ) {
    this.reads = new ChangeSetRepository(db);
  }

  /**
   * Resolves every target, records its version, then applies the whole list in a transaction
   * that is rolled back, so whatever the direct routes would refuse (a value of the wrong type,
   * weights over 100, an unknown segment) is refused now, with their codes, and nothing changes.
   */
  async plan(environment: EnvironmentRow, changes: readonly ChangeInput[]): Promise<PlannedChange[]> {
    const planned: PlannedChange[] = [];
    const seenTargets = new Map<string, number>();
    for (const [index, change] of changes.entries()) {
      const entry = await this.resolve(this.reads, environment, change);
      const key = `${change.kind}:${entry.target.feature_id}:${entry.target.segment_id ?? ''}:${entry.target.identity_id ?? ''}`;
      const earlier = seenTargets.get(key);
      if (earlier !== undefined) {
        throw invalid(
          'duplicate_change_target',
          `Changes ${earlier} and ${index} both change ${entry.label}; merge them into one change.`,
          { changes: [earlier, index] },
        );
      }
      seenTargets.set(key, index);
      requireEnabledWhenCreating(change, entry, index);
      planned.push(entry);
    }
    await this.trial(environment, planned);
    return planned;
  }

  /**
   * Applies `planned` inside `trx`, through the domain services. With `checkVersions`, every
   * target is first locked and compared with the version it was planned against; any that
   * moved fail the whole list with 409 `conflict`, naming each. Returns the last recorded
   * change, for the caller to publish after commit (undefined when nothing changed).
   */
  async apply(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    planned: readonly PlannedChange[],
    options: ApplyOptions,
  ): Promise<ConfigChange | undefined> {
    const reads = new ChangeSetRepository(trx);
    await reads.lockEnvironment(environment.id);
    if (options.checkVersions) await refuseMoved(reads, environment, planned);
    let last: ConfigChange | undefined;
    for (const entry of planned) {
      const change = await this.applyOne(trx, reads, environment, entry, options);
      if (change) last = change;
    }
    return last;
  }

  /** For each change: its target now, as it would be after the change, and whether it moved. */
  async diff(environment: EnvironmentRow, planned: readonly PlannedChange[]): Promise<ChangeDiff[]> {
    const diffs: ChangeDiff[] = [];
    for (const entry of planned) {
      const row = await currentTarget(this.reads, environment, entry.target, entry.change.kind);
      const current = row ? view(entry.change.kind, row) : null;
      diffs.push({
        kind: entry.change.kind,
        target: entry.label,
        current,
        proposed: proposedView(entry.change, current),
        moved: hasMoved(entry.seen, row),
      });
    }
    return diffs;
  }

  private async trial(environment: EnvironmentRow, planned: readonly PlannedChange[]): Promise<void> {
    const rollback = new TrialDone();
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.apply(trx, environment, planned, { checkVersions: true });
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
  }

  private async resolve(
    reads: ChangeSetRepository,
    environment: EnvironmentRow,
    change: ChangeInput,
  ): Promise<PlannedChange> {
    const feature = await reads.feature(environment, change.feature);
    if (change.kind === 'feature_state') {
      const target = { feature_id: feature.id };
      const row = await reads.featureState(environment.id, feature.id);
      return { change, target, label: `feature '${feature.key}'`, seen: versionOf(row) };
    }
    if (change.kind === 'segment_override') {
      const segment = await reads.segment(environment, change.segment);
      const target = { feature_id: feature.id, segment_id: segment.id };
      const row = await reads.segmentOverride(environment.id, segment.id, feature.id);
      const label = `the override of feature '${feature.key}' for segment '${segment.name}'`;
      return { change, target, label, seen: versionOf(row) };
    }
    const identity = await reads.identity(environment, change.identity);
    const target = { feature_id: feature.id, identity_id: identity.id };
    const row = await reads.identityOverride(identity.id, feature.id);
    const label = `the override of feature '${feature.key}' for identity '${identity.identifier}'`;
    return { change, target, label, seen: versionOf(row) };
  }

  private async applyOne(
    trx: Transaction<Tables>,
    reads: ChangeSetRepository,
    environment: EnvironmentRow,
    { change, target, label, seen }: PlannedChange,
    options: ApplyOptions,
  ): Promise<ConfigChange | undefined> {
    const { states, overrides, identities } = this.appliers;
    if (change.kind === 'feature_state') {
      const { kind: _, feature: __, force, ...input } = change;
      return (await states.updateIn(trx, environment, target.feature_id, input, { force })).change;
    }
    if (change.kind === 'segment_override') {
      const { kind: _, feature: __, segment: ___, force, delete: remove, ...input } = change;
      const current = await reads.segmentOverride(
        environment.id,
        target.segment_id as string,
        target.feature_id,
      );
      if (remove) {
        if (!current) throw gone(change.kind, label);
        return overrides.deleteIn(trx, environment, current.id);
      }
      if (current) return (await overrides.updateIn(trx, environment, current.id, input, { force })).change;
      const enabled = requireEnabled(change, label);
      const created = await overrides.createIn(trx, environment, {
        ...input,
        enabled,
        segment_id: target.segment_id as string,
        feature_id: target.feature_id,
      });
      return created.change;
    }
    const identityId = target.identity_id as string;
    if (change.delete) {
      if (!(await reads.identityOverride(identityId, target.feature_id))) throw gone(change.kind, label);
      return identities.deleteOverrideIn(trx, environment, identityId, target.feature_id);
    }
    const enabled = requireEnabled(change, label);
    const put = await identities.putOverrideIn(trx, environment, identityId, target.feature_id, {
      enabled,
      ...(change.value === undefined ? {} : { value: change.value }),
    });
    // Nothing can be locked for an override that did not exist: if another writer created it
    // meanwhile, the upsert found it, and that is a move like any other.
    if (options.checkVersions && seen === null && !put.result.created)
      throw moved([{ label, seen, now: null }]);
    return put.change;
  }
}

class TrialDone extends Error {}

/** The columns that make a target's version, beyond `updated_at`. */
function fingerprint(row: TargetRow): string {
  return JSON.stringify([row.enabled, row.value, row.variants, row.rollout_percentage, row.priority]);
}

function versionOf(row: TargetRow | undefined): SeenVersion | null {
  return row ? { id: row.id, updated_at: row.updated_at, fingerprint: fingerprint(row) } : null;
}

function hasMoved(seen: SeenVersion | null, row: TargetRow | undefined): boolean {
  if (!seen || !row) return (seen === null) !== (row === undefined);
  return seen.id !== row.id || seen.updated_at !== row.updated_at || seen.fingerprint !== fingerprint(row);
}

function currentTarget(
  reads: ChangeSetRepository,
  environment: EnvironmentRow,
  target: ChangeTarget,
  kind: ChangeInput['kind'],
): Promise<TargetRow | undefined> {
  if (kind === 'feature_state') return reads.featureState(environment.id, target.feature_id);
  if (kind === 'segment_override')
    return reads.segmentOverride(environment.id, target.segment_id as string, target.feature_id);
  return reads.identityOverride(target.identity_id as string, target.feature_id);
}

interface Moved {
  label: string;
  seen: SeenVersion | null;
  now: string | null;
}

/**
 * Locks every target that existed (so nobody moves it before commit) and compares it with
 * the version planned against; throws one `conflict` naming every target that moved.
 */
async function refuseMoved(
  reads: ChangeSetRepository,
  environment: EnvironmentRow,
  planned: readonly PlannedChange[],
): Promise<void> {
  const movedTargets: Moved[] = [];
  for (const { change, target, label, seen } of planned) {
    if (seen) await reads.lock(change.kind, seen.id);
    const row = await currentTarget(reads, environment, target, change.kind);
    if (hasMoved(seen, row)) movedTargets.push({ label, seen, now: row?.updated_at ?? null });
  }
  if (movedTargets.length > 0) throw moved(movedTargets);
}

function moved(targets: Moved[]): PennonError {
  const what = targets.map(({ label, seen, now }) =>
    seen === null
      ? `${label} was created since`
      : now === null
        ? `${label} was deleted since`
        : `${label} was changed at ${now}`,
  );
  return new PennonError(
    'conflict',
    'conflict',
    `What this would change has moved since it was proposed: ${what.join('; ')}. ` +
      'Review the diff and propose the changes again (a new revision), so they are approved against what is there now.',
    {
      details: {
        moved: targets.map(({ label, seen, now }) => ({
          target: label,
          proposed_against: seen?.updated_at ?? null,
          now,
        })),
      },
    },
  );
}

/** A removal whose override is not there: as the direct DELETE routes answer. */
const gone = (kind: 'segment_override' | 'identity_override', label: string) =>
  new PennonError('not_found', `${kind}_not_found`, `There is no ${label.replace(/^the /, '')} to remove.`);

/** An identity override is set whole (as PUT), and a new segment override needs `enabled`, as the direct routes do. */
function requireEnabledWhenCreating(change: ChangeInput, entry: PlannedChange, index: number): void {
  if (change.kind === 'feature_state' || change.delete || change.enabled !== undefined) return;
  if (change.kind === 'segment_override' && entry.seen !== null) return;
  const what = change.kind === 'identity_override' ? 'sets' : 'creates';
  throw invalid(
    'enabled_required',
    `Change ${index} ${what} ${entry.label}: say whether it is on with \`enabled\`.`,
    {
      change: index,
    },
  );
}

function requireEnabled(change: { enabled?: boolean }, label: string): boolean {
  if (change.enabled === undefined)
    throw invalid('enabled_required', `Setting ${label} needs \`enabled\`: it does not exist.`);
  return change.enabled;
}

/** The API view of a target, as the direct routes show it. */
function view(kind: ChangeInput['kind'], row: TargetRow): Record<string, unknown> {
  if (kind === 'identity_override')
    return { enabled: row.enabled === 1, value: row.value === null ? null : JSON.parse(row.value) };
  const fields = stateFields({
    enabled: row.enabled,
    value: row.value,
    variants: row.variants ?? '[]',
    rollout_percentage: row.rollout_percentage ?? null,
  });
  return kind === 'segment_override' ? { ...fields, priority: row.priority } : fields;
}

/** The target after the change: absent fields stay; a removal leaves nothing. */
function proposedView(
  change: ChangeInput,
  current: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if ('delete' in change && change.delete) return null;
  const { kind: _, feature: __, ...rest } = change as ChangeInput & { force?: boolean };
  const { segment: _s, identity: _i, force: _f, ...fields } = rest as Record<string, unknown>;
  const base =
    current ??
    (change.kind === 'identity_override'
      ? { enabled: false, value: null }
      : { enabled: false, value: null, variants: [], rollout_percentage: null });
  return { ...base, ...fields };
}
