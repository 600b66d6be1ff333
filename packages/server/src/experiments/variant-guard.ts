import type { Transaction } from 'kysely';
import { conflict } from '../errors.js';
import type { StoredVariant } from '../evaluation/environment-loader.js';
import { parseVariants } from '../features/variants.js';
import { newId } from '../shared/ids.js';
import type { Tables } from '../storage/tables.js';
import { ExperimentsRepository } from './experiments.repository.js';

export interface VariantChange {
  environmentId: string;
  featureId: string;
  /** Where the variants live: the feature's state, or a segment override of it. */
  where: 'feature_state' | 'segment_override';
  before: readonly StoredVariant[];
  after: readonly StoredVariant[];
  force: boolean;
  at: string;
}

/**
 * Changing variant weights under a running experiment moves units between variants mid-run
 * and mixes their exposures: refused unless forced, and a forced change is recorded on every
 * running experiment of the feature, inside the caller's transaction.
 */
async function guardVariantChange(trx: Transaction<Tables>, change: VariantChange): Promise<void> {
  if (sameSplit(change.before, change.after)) return;
  const repository = new ExperimentsRepository(trx);
  const running = await repository.running(change.environmentId, change.featureId);
  if (running.length === 0) return;
  if (!change.force) {
    throw conflict(
      'experiment_running',
      `Experiment(s) ${running.map((e) => `'${e.key}'`).join(', ')} running on this feature: changing its variant weights would move users between variants mid-experiment. Stop the experiment first, or repeat the request with ?force=true (recorded on the experiment).`,
    );
  }
  const split = (variants: readonly StoredVariant[]) => variants.map(({ key, weight }) => ({ key, weight }));
  for (const experiment of running) {
    await repository.addChange({
      id: newId(),
      experiment_id: experiment.id,
      at: change.at,
      action: 'variants_changed',
      details: JSON.stringify({
        forced: true,
        where: change.where,
        before: split(change.before),
        after: split(change.after),
      }),
    });
  }
}

/**
 * The guard for an edit of a state's variants (stored as JSON); no-op when the edit leaves
 * them alone.
 */
export async function guardVariantEdit(
  trx: Transaction<Tables>,
  edit: Omit<VariantChange, 'before' | 'after'> & { stored: string; edited: string | undefined },
): Promise<void> {
  if (edit.edited === undefined) return;
  const { stored, edited, ...change } = edit;
  await guardVariantChange(trx, { ...change, before: parseVariants(stored), after: parseVariants(edited) });
}

/** Values may change freely; keys, weights and their order decide who gets what. */
function sameSplit(a: readonly StoredVariant[], b: readonly StoredVariant[]): boolean {
  return (
    a.length === b.length &&
    a.every((v, i) => v.key === b[i]?.key && v.weight === b[i]?.weight && v.priority === b[i]?.priority)
  );
}
