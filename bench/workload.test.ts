import { describe, expect, it } from 'vitest';
import {
  buildEnvironmentModel,
  countConditions,
  flagsmithEngineModule,
  generateEnvironmentDocument,
  generateIdentities,
  generateWorkload,
  toEvaluationContext,
  toIdentityContext,
  WORKLOAD,
} from './workload.mjs';

const SEED = 424242;
const document = generateEnvironmentDocument({ seed: SEED });
const identities = generateIdentities({ seed: SEED, count: WORKLOAD.identities });

describe('standing workload generator', () => {
  it('is deterministic: same seed, same document and identities', () => {
    expect(JSON.stringify(generateEnvironmentDocument({ seed: SEED }))).toBe(JSON.stringify(document));
    expect(generateIdentities({ seed: SEED, count: WORKLOAD.identities })).toEqual(identities);
    expect(JSON.stringify(generateEnvironmentDocument({ seed: SEED + 1 }))).not.toBe(
      JSON.stringify(document),
    );
  });

  it('has the Edge Proxy benchmark shape: 50 features (10 multivariate), 15 × 15 segments, 750 identity overrides', () => {
    expect(document.feature_states).toHaveLength(50);
    expect(new Set(document.feature_states.map((fs) => fs.feature.name)).size).toBe(50);

    const multivariate = document.feature_states.filter(
      (fs) => fs.multivariate_feature_state_values.length > 0,
    );
    expect(multivariate).toHaveLength(10);
    for (const fs of multivariate) {
      expect(fs.feature.type).toBe('MULTIVARIATE');
      expect(fs.multivariate_feature_state_values.length).toBeGreaterThanOrEqual(2);
      expect(fs.multivariate_feature_state_values.length).toBeLessThanOrEqual(3);
      const total = fs.multivariate_feature_state_values.reduce((a, v) => a + v.percentage_allocation, 0);
      expect(total).toBeLessThanOrEqual(100);
    }

    const segments = document.project.segments;
    expect(segments).toHaveLength(15);
    for (const segment of segments) {
      expect(countConditions(segment.rules)).toBe(15);
      expect(segment.feature_states.length).toBeGreaterThan(0);
      for (const fs of segment.feature_states) expect(typeof fs.feature_segment.priority).toBe('number');
    }
    const operators = new Set<string>();
    const walk = (rules: { conditions: { operator: string }[]; rules: unknown[] }[]) => {
      for (const rule of rules) {
        for (const c of rule.conditions) operators.add(c.operator);
        walk(rule.rules as typeof rules);
      }
    };
    for (const segment of segments) walk(segment.rules);
    for (const op of [
      'EQUAL',
      'NOT_EQUAL',
      'GREATER_THAN',
      'LESS_THAN_INCLUSIVE',
      'CONTAINS',
      'IN',
      'REGEX',
    ]) {
      expect(operators).toContain(op);
    }

    expect(document.identity_overrides).toHaveLength(750);
    expect(new Set(document.identity_overrides.map((i) => i.identifier)).size).toBe(750);
    for (const identity of document.identity_overrides)
      expect(identity.identity_features.length).toBeGreaterThan(0);
  });

  it("parses with flagsmith-nodejs's own builder and mapper", () => {
    const model = buildEnvironmentModel(document);
    expect(model.apiKey).toBe(document.api_key);
    expect(model.featureStates).toHaveLength(50);
    expect(model.project.segments).toHaveLength(15);
    expect(model.identityOverrides).toHaveLength(750);

    const context = toEvaluationContext(document);
    expect(context.environment).toEqual({ key: document.api_key, name: document.name });
    expect(Object.keys(context.features)).toHaveLength(50);
    const segments = Object.values(context.segments);
    expect(segments.filter((s) => s.metadata?.source === 'api')).toHaveLength(15);
    // Identity overrides become segments over `$.identity.identifier`; together they cover all 750.
    const overridden = segments
      .filter((s) => s.metadata?.source === 'identity_override')
      .flatMap((s) => s.rules[0].conditions[0].value.split(','));
    expect(new Set(overridden).size).toBe(750);
  });

  it('generates 1,000 identities with 6 traits, some of them with identity overrides', () => {
    expect(identities).toHaveLength(1000);
    expect(new Set(identities.map((i) => i.identifier)).size).toBe(1000);
    for (const identity of identities) expect(Object.keys(identity.traits)).toHaveLength(6);
    const withOverrides = new Set(document.identity_overrides.map((i) => i.identifier));
    const share = identities.filter((i) => withOverrides.has(i.identifier)).length / identities.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.25);

    expect(toIdentityContext(identities[0])).toEqual({
      identifier: identities[0].identifier,
      traits: identities[0].traits,
    });
  });

  it('matches segments for a realistic share of identities (20–60%)', async () => {
    const { getEvaluationResult } = await flagsmithEngineModule('index.js');
    const full = toEvaluationContext(document);
    // Only the 15 real segments matter here (identity-override segments would just slow this down).
    const segments = Object.fromEntries(
      Object.entries(full.segments).filter(([, s]) => s.metadata?.source === 'api'),
    );
    const context = { ...full, segments };
    const matched = identities.filter(
      (identity) =>
        getEvaluationResult({ ...context, identity: toIdentityContext(identity) }).segments.length > 0,
    ).length;
    expect(matched / identities.length).toBeGreaterThan(0.2);
    expect(matched / identities.length).toBeLessThan(0.6);
  });
});

describe('identity overrides regrouped into IN-list segments', () => {
  it('gives exactly 30 override segments over the same 750 identifiers', () => {
    const { context } = generateWorkload({ seed: SEED, identities: 10, overrideSets: 30 });
    const overrides = Object.values(context.segments).filter(
      (s) => (s.metadata as { source?: string } | undefined)?.source === 'identity_override',
    );
    expect(overrides).toHaveLength(30);
    const identifiers = overrides.flatMap((s) => String(s.rules[0].conditions[0].value).split(','));
    expect(new Set(identifiers).size).toBe(WORKLOAD.identityOverrides);
    expect(new Set(identifiers)).toEqual(new Set(document.identity_overrides.map((o) => o.identifier)));
  });
});
