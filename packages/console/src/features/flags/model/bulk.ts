import type { Feature, FeatureState } from '../../../lib/api-types.js';

export type BulkAction =
  | { kind: 'add-tag'; tag: string }
  | { kind: 'remove-tag'; tag: string }
  | { kind: 'archive' }
  | { kind: 'unarchive' }
  | { kind: 'toggle'; environmentId: string; environmentName: string; enabled: boolean };

/** One request a bulk action makes: a change to the flag itself, or to its state in one environment. */
export type BulkStep =
  | { feature: Feature; target: 'feature'; patch: { tags?: string[]; archived?: boolean }; summary: string }
  | {
      feature: Feature;
      target: 'state';
      environmentId: string;
      patch: { enabled: boolean };
      summary: string;
    };

export interface BulkPlan {
  steps: BulkStep[];
  /** Selected flags the action would not change (the tag is there already, the flag is on already…). */
  unchanged: Feature[];
}

/**
 * What a bulk action will do to each selected flag, before anything is sent, so the console
 * can show it and the person can confirm: flags it would not change are named, not touched.
 * @example
 * planBulk({ kind: 'add-tag', tag: 'q3' }, [featureA], states); // steps: [{ target: 'feature', patch: { tags: [...a.tags, 'q3'] } }]
 */
export function planBulk(
  action: BulkAction,
  features: readonly Feature[],
  statesOf: (environmentId: string) => ReadonlyMap<string, FeatureState> | undefined,
): BulkPlan {
  const steps: BulkStep[] = [];
  const unchanged: Feature[] = [];
  for (const feature of features) {
    const step = stepFor(action, feature, statesOf);
    if (step) steps.push(step);
    else unchanged.push(feature);
  }
  return { steps, unchanged };
}

function stepFor(
  action: BulkAction,
  feature: Feature,
  statesOf: (environmentId: string) => ReadonlyMap<string, FeatureState> | undefined,
): BulkStep | undefined {
  switch (action.kind) {
    case 'add-tag':
      if (feature.tags.includes(action.tag)) return undefined;
      return {
        feature,
        target: 'feature',
        patch: { tags: [...feature.tags, action.tag] },
        summary: `tag "${action.tag}" added`,
      };
    case 'remove-tag':
      if (!feature.tags.includes(action.tag)) return undefined;
      return {
        feature,
        target: 'feature',
        patch: { tags: feature.tags.filter((t) => t !== action.tag) },
        summary: `tag "${action.tag}" removed`,
      };
    case 'archive':
    case 'unarchive': {
      const archived = action.kind === 'archive';
      if (feature.archived === archived) return undefined;
      return {
        feature,
        target: 'feature',
        patch: { archived },
        summary: archived ? 'archived (keeps evaluating)' : 'unarchived',
      };
    }
    case 'toggle': {
      const current = statesOf(action.environmentId)?.get(feature.id)?.enabled ?? false;
      if (current === action.enabled) return undefined;
      return {
        feature,
        target: 'state',
        environmentId: action.environmentId,
        patch: { enabled: action.enabled },
        summary: `turned ${action.enabled ? 'on' : 'off'} in ${action.environmentName}`,
      };
    }
  }
}
