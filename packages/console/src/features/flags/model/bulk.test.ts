import { describe, expect, it } from 'vitest';
import type { Feature, FeatureState } from '../../../lib/api-types.js';
import { planBulk } from './bulk.js';

const feature = (key: string, extra: Partial<Feature> = {}): Feature => ({
  id: `id-${key}`,
  project_id: 'p',
  key,
  number: 1,
  type: 'boolean',
  description: '',
  tags: [],
  server_key_only: false,
  default_enabled: false,
  default_value: null,
  owner: '',
  archived: false,
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
  ...extra,
});
const a = feature('a', { tags: ['q3'] });
const b = feature('b', { archived: true });
const states = new Map([[a.id, { feature_id: a.id, enabled: true } as FeatureState]]);
const statesOf = (environmentId: string) => (environmentId === 'dev' ? states : undefined);

describe('bulk actions, planned before they are sent', () => {
  it('adds or removes a tag only where it changes something', () => {
    expect(planBulk({ kind: 'add-tag', tag: 'q3' }, [a, b], statesOf)).toEqual({
      steps: [{ feature: b, target: 'feature', patch: { tags: ['q3'] }, summary: 'tag "q3" added' }],
      unchanged: [a],
    });
    const removal = planBulk({ kind: 'remove-tag', tag: 'q3' }, [a, b], statesOf);
    expect(removal.steps.map((s) => [s.feature.key, s.patch])).toEqual([['a', { tags: [] }]]);
  });

  it('archives what is not archived, saying that it keeps evaluating', () => {
    const plan = planBulk({ kind: 'archive' }, [a, b], statesOf);
    expect(plan.steps).toEqual([
      { feature: a, target: 'feature', patch: { archived: true }, summary: 'archived (keeps evaluating)' },
    ]);
    expect(plan.unchanged).toEqual([b]);
  });

  it('toggles in one environment, a flag without a state there counting as off', () => {
    const on = planBulk(
      { kind: 'toggle', environmentId: 'dev', environmentName: 'Development', enabled: true },
      [a, b],
      statesOf,
    );
    expect(on.steps).toEqual([
      {
        feature: b,
        target: 'state',
        environmentId: 'dev',
        patch: { enabled: true },
        summary: 'turned on in Development',
      },
    ]);
    expect(on.unchanged).toEqual([a]);
  });
});
