import { evaluate } from '@pennon/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

const IDENTIFIERS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

describeEachDialect('percentage rollouts', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let environmentId: string;
  const features: Record<string, string> = {};
  let segmentId: string;

  const ok = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const response = await api(method, url, body);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  };
  const setState = (feature: string, body: object) =>
    ok('PATCH', `/environments/${environmentId}/feature-states/${features[feature]}`, body);
  /** Evaluates every identifier against the current snapshot. */
  const evaluateAll = async (traits: (identifier: string) => Record<string, string> = () => ({})) => {
    const snapshot = await t.context.evaluation.snapshot(environmentId);
    return new Map(
      IDENTIFIERS.map((identifier) => [
        identifier,
        snapshot.compiled.evaluate({ identifier, traits: traits(identifier) }),
      ]),
    );
  };
  const enabledFor = async (feature: string, traits?: (identifier: string) => Record<string, string>) => {
    const results = await evaluateAll(traits);
    return new Set(IDENTIFIERS.filter((id) => results.get(id)?.flags[feature]?.enabled));
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    environmentId = t.environments[0]?.id as string;
    for (const [key, type, default_value] of [
      ['new_checkout', 'boolean', null],
      ['banner', 'string', 'hello'],
      ['beta_search', 'boolean', null],
    ] as const) {
      features[key] = (
        await ok('POST', `/projects/${t.projectId}/features`, { key, type, default_value })
      ).id;
    }
    segmentId = (
      await ok('POST', `/projects/${t.projectId}/segments`, {
        name: 'pro users',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
      })
    ).id;
  });
  afterAll(() => t?.close());

  describe('on a feature state', () => {
    it('is stored and read back, and null takes it away', async () => {
      expect(await setState('new_checkout', { enabled: true, rollout_percentage: 30 })).toMatchObject({
        enabled: true,
        rollout_percentage: 30,
      });
      const read = await ok('GET', `/environments/${environmentId}/feature-states/${features.new_checkout}`);
      expect(read.rollout_percentage).toBe(30);
      expect((await setState('new_checkout', { rollout_percentage: null })).rollout_percentage).toBeNull();
    });

    it('refuses a percentage outside 0–100 or not a number, and changes nothing', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 25 });
      for (const rollout_percentage of [101, -1, '30', true]) {
        const response = await api(
          'PATCH',
          `/environments/${environmentId}/feature-states/${features.new_checkout}`,
          { rollout_percentage },
        );
        expect(response.statusCode, JSON.stringify(rollout_percentage)).toBe(400);
        expect(response.body).toContain('rollout_percentage');
      }
      const read = await ok('GET', `/environments/${environmentId}/feature-states/${features.new_checkout}`);
      expect(read.rollout_percentage).toBe(25);
    });

    it('enables the feature for that share of identities, and for no anonymous request', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 30 });
      const share = (await enabledFor('new_checkout')).size / IDENTIFIERS.length;
      expect(share).toBeGreaterThan(0.26);
      expect(share).toBeLessThan(0.34);
      const snapshot = await t.context.evaluation.snapshot(environmentId);
      expect(snapshot.compiled.evaluate().flags.new_checkout?.enabled).toBe(false);
    });

    it('moving up keeps everyone who had it; moving back down removes only those added', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 30 });
      const at30 = await enabledFor('new_checkout');
      await setState('new_checkout', { rollout_percentage: 55.5 });
      const at55 = await enabledFor('new_checkout');
      expect(at55.size).toBeGreaterThan(at30.size);
      expect([...at30].filter((id) => !at55.has(id))).toEqual([]);
      await setState('new_checkout', { rollout_percentage: 30 });
      expect(await enabledFor('new_checkout')).toEqual(at30);
    });

    it('turning the state off turns it off for everyone; on again restores the same identities', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 30 });
      const before = await enabledFor('new_checkout');
      await setState('new_checkout', { enabled: false });
      expect((await enabledFor('new_checkout')).size).toBe(0);
      await setState('new_checkout', { enabled: true });
      expect(await enabledFor('new_checkout')).toEqual(before);
    });

    it('0% reaches nobody and 100% or null everyone, anonymous requests included', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 0 });
      expect((await enabledFor('new_checkout')).size).toBe(0);
      for (const rollout_percentage of [100, null]) {
        await setState('new_checkout', { rollout_percentage });
        expect((await enabledFor('new_checkout')).size).toBe(IDENTIFIERS.length);
        const snapshot = await t.context.evaluation.snapshot(environmentId);
        expect(snapshot.compiled.evaluate().flags.new_checkout?.enabled).toBe(true);
      }
    });

    it('keeps the value and the variant each identity would get without the rollout', async () => {
      await setState('banner', {
        enabled: true,
        value: 'hello',
        variants: [
          { key: 'a', value: 'A', weight: 50 },
          { key: 'b', value: 'B', weight: 50 },
        ],
        rollout_percentage: null,
      });
      const full = await evaluateAll();
      await setState('banner', { rollout_percentage: 40 });
      const rolled = await evaluateAll();
      const inRollout = IDENTIFIERS.filter((id) => rolled.get(id)?.flags.banner?.enabled);
      const variants = new Set<unknown>();
      for (const id of inRollout) {
        const flag = rolled.get(id)?.flags.banner;
        expect({ value: flag?.value, variant: flag?.variant }).toEqual({
          value: full.get(id)?.flags.banner?.value,
          variant: full.get(id)?.flags.banner?.variant,
        });
        variants.add(flag?.value);
      }
      // The split and the variant hash are independent: both variants occur inside the rollout.
      expect(variants).toEqual(new Set(['A', 'B']));
      await setState('banner', { variants: [], rollout_percentage: null });
    });

    it('loses to every segment override', async () => {
      await setState('new_checkout', { enabled: true, rollout_percentage: 10 });
      const override = await ok('POST', `/environments/${environmentId}/segment-overrides`, {
        segment_id: segmentId,
        feature_id: features.new_checkout,
        enabled: false,
        priority: 1_000_000_000,
      });
      const enabled = await enabledFor('new_checkout', () => ({ plan: 'pro' }));
      expect(enabled.size).toBe(0);
      await ok('DELETE', `/environments/${environmentId}/segment-overrides/${override.id}`);
    });
  });

  describe('on a segment override', () => {
    const plan = (id: string) => ({ plan: Number(id.slice(5)) % 2 === 0 ? 'pro' : 'free' });
    let overrideId: string;

    beforeAll(async () => {
      await setState('beta_search', { enabled: false, rollout_percentage: null });
      overrideId = (
        await ok('POST', `/environments/${environmentId}/segment-overrides`, {
          segment_id: segmentId,
          feature_id: features.beta_search,
          enabled: true,
          rollout_percentage: 50,
        })
      ).id;
    });

    it('applies to that share of the segment; the rest fall through, non-members never get it', async () => {
      const enabled = await enabledFor('beta_search', plan);
      const members = IDENTIFIERS.filter((id) => plan(id).plan === 'pro');
      expect([...enabled].every((id) => plan(id).plan === 'pro')).toBe(true);
      const share = enabled.size / members.length;
      expect(share).toBeGreaterThan(0.45);
      expect(share).toBeLessThan(0.55);
    });

    it('names the segment in the reason of those it reaches', async () => {
      const snapshot = await t.context.evaluation.snapshot(environmentId);
      const reasons = new Set(
        IDENTIFIERS.slice(0, 100).map(
          (identifier) =>
            snapshot.compiled.evaluate({ identifier, traits: { plan: 'pro' } }).flags.beta_search?.reason,
        ),
      );
      expect(reasons).toEqual(
        new Set(['DEFAULT', 'TARGETING_MATCH; segment=pro users · 50% rollout of beta_search']),
      );
    });

    it('grows without moving anyone out, and is read back on the override', async () => {
      const before = await enabledFor('beta_search', plan);
      const updated = await ok('PATCH', `/environments/${environmentId}/segment-overrides/${overrideId}`, {
        rollout_percentage: 80,
      });
      expect(updated.rollout_percentage).toBe(80);
      const after = await enabledFor('beta_search', plan);
      expect([...before].filter((id) => !after.has(id))).toEqual([]);
      expect(after.size).toBeGreaterThan(before.size);
    });

    it('evaluates exactly as the reference engine reads the snapshot context', async () => {
      const snapshot = await t.context.evaluation.snapshot(environmentId);
      for (const identifier of IDENTIFIERS.slice(0, 300)) {
        const identity = { identifier, traits: plan(identifier) };
        expect(snapshot.compiled.evaluate(identity)).toEqual(evaluate({ ...snapshot.context, identity }));
      }
    });
  });
});
