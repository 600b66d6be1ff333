import { describe, expect, it } from 'vitest';
import type { EvaluatedFlag } from '../../../lib/api-types.js';
import { explain, servedValue } from './reasons.js';

const flag = (over: Partial<EvaluatedFlag>): EvaluatedFlag => ({
  feature_id: 'f1',
  feature_key: 'banner',
  type: 'string',
  server_key_only: false,
  enabled: true,
  value: 'gold',
  variant: null,
  reason: 'DEFAULT',
  decided_by: 'environment',
  segment: null,
  ...over,
});

describe('why a user gets a flag', () => {
  it('names what decided, the segment included', () => {
    expect(explain(flag({ decided_by: 'segment', segment: { id: 's', name: 'beta' } }))).toBe(
      'In segment "beta", whose override applies',
    );
    expect(explain(flag({ decided_by: 'identity_override' }))).toBe('This identity has its own override');
    expect(explain(flag({ decided_by: 'split', variant: 'b' }))).toBe(
      'Variant "b" picked by weight for this identity',
    );
    expect(explain(flag({ decided_by: 'rollout' }))).toBe('In the rolled-out share of the environment');
    expect(explain(flag({ enabled: false }))).toBe('Off in this environment');
  });

  it('shows what the application gets, typed as the SDKs type it', () => {
    expect(servedValue(flag({ type: 'boolean', value: null, enabled: true }))).toBe('true');
    expect(servedValue(flag({ type: 'boolean', value: null, enabled: false }))).toBe('false');
    expect(servedValue(flag({ enabled: false }))).toBe('off: the default in code');
    expect(servedValue(flag({ type: 'json', value: { a: 1 } }))).toBe('{"a":1}');
  });
});
