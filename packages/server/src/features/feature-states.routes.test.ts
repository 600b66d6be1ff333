import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  adminClient,
  rejection,
  type SeededProject,
  seedProject,
} from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('feature states routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let foreign: SeededProject;
  let sibling: SeededProject;
  let development: string;
  let production: string;
  const features: Record<string, string> = {};
  const db = () => getDatabase().db;
  const stateUrl = (featureKey: string, environmentId = development) =>
    `/environments/${environmentId}/feature-states/${features[featureKey]}`;
  const storedState = (featureKey: string, environmentId = development) =>
    db()
      .selectFrom('feature_states')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', features[featureKey])
      .executeTakeFirstOrThrow();
  const storedPriorities = async (featureKey: string) =>
    Object.fromEntries(
      (JSON.parse((await storedState(featureKey)).variants) as { key: string; priority: number }[]).map(
        (v) => [v.key, v.priority],
      ),
    );
  const environmentTime = async (id: string) =>
    (
      await db()
        .selectFrom('environments')
        .select('updated_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).updated_at;
  const patch = async (featureKey: string, body: unknown) => {
    const response = await api('PATCH', stateUrl(featureKey), body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    [development, production] = t.environments.map((e) => e.id);
    foreign = await seedProject(db());
    sibling = await seedProject(db(), t.organisationId);
    for (const [key, type, default_value] of [
      ['banner', 'string', 'hello'],
      ['dark_mode', 'boolean', null],
      ['max_items', 'number', 10],
      ['layout', 'json', { columns: 2 }],
    ] as const) {
      const response = await api('POST', `/projects/${t.projectId}/features`, { key, type, default_value });
      features[key] = response.json().id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('read', () => {
    it('lists the states of an environment in pages', async () => {
      const first = (await api('GET', `/environments/${development}/feature-states?limit=3`)).json();
      expect(first.items).toHaveLength(3);
      expect(first.next_cursor).toBeTruthy();
      const rest = (
        await api('GET', `/environments/${development}/feature-states?limit=3&cursor=${first.next_cursor}`)
      ).json();
      expect(rest).toMatchObject({ next_cursor: null });
      const all = [...first.items, ...rest.items];
      expect(all.map((s: { feature_key: string }) => s.feature_key)).toEqual([
        'banner',
        'dark_mode',
        'max_items',
        'layout',
      ]);
      expect(all[0]).toMatchObject({
        environment_id: development,
        feature_id: features.banner,
        feature_key: 'banner',
        enabled: false,
        value: 'hello',
        variants: [],
      });
      expect(typeof all[0].updated_at).toBe('string');
    });

    it('gets one state; unknown features, features of other projects and foreign environments are 404', async () => {
      expect((await api('GET', stateUrl('layout'))).json()).toMatchObject({
        feature_key: 'layout',
        value: { columns: 2 },
      });
      for (const [url, code] of [
        [`/environments/${development}/feature-states/nope`, 'feature_not_found'],
        [`/environments/${development}/feature-states/${sibling.featureId}`, 'feature_not_found'],
        [
          `/environments/${foreign.environmentId}/feature-states/${foreign.featureId}`,
          'environment_not_found',
        ],
        [`/environments/${foreign.environmentId}/feature-states`, 'environment_not_found'],
      ]) {
        const response = await api('GET', url);
        expect(response.statusCode, url).toBe(404);
        expect(response.json().error.code).toBe(code);
      }
    });
  });

  describe('update', () => {
    it('changes enabled and value in one environment and bumps only that environment', async () => {
      const [devBefore, prodBefore] = [await environmentTime(development), await environmentTime(production)];
      const state = await patch('banner', { enabled: true, value: 'welcome' });
      expect(state).toMatchObject({ enabled: true, value: 'welcome', feature_key: 'banner' });
      expect(await environmentTime(development)).toBe(state.updated_at);
      expect(state.updated_at > devBefore).toBe(true);
      expect(await environmentTime(production)).toBe(prodBefore);
      expect((await api('GET', stateUrl('banner', production))).json()).toMatchObject({
        enabled: false,
        value: 'hello',
      });

      expect(await patch('banner', { value: null })).toMatchObject({ enabled: true, value: null });
      expect(await patch('dark_mode', { enabled: true })).toMatchObject({ enabled: true, value: null });
      expect(await patch('layout', { value: [1, { a: true }] })).toMatchObject({ value: [1, { a: true }] });
    });

    it('keeps variant priorities and the hash key across edits, so users stay in their variant', async () => {
      const { hash_key } = await storedState('banner');
      const first = await patch('banner', {
        variants: [
          { key: 'a', value: 'A', weight: 30 },
          { key: 'b', value: 'B', weight: 30 },
        ],
      });
      expect(first.variants).toEqual([
        { key: 'a', value: 'A', weight: 30 },
        { key: 'b', value: 'B', weight: 30 },
      ]);
      expect(await storedPriorities('banner')).toEqual({ a: 0, b: 1 });

      // New weights and values, sent in another order: each key keeps its priority.
      const edited = await patch('banner', {
        variants: [
          { key: 'b', value: 'B2', weight: 10 },
          { key: 'a', value: 'A2', weight: 60 },
        ],
      });
      expect(await storedPriorities('banner')).toEqual({ a: 0, b: 1 });
      expect(edited.variants.map((v: { key: string }) => v.key)).toEqual(['a', 'b']);

      // Editing other fields leaves variants alone.
      await patch('banner', { enabled: false });
      expect(await storedPriorities('banner')).toEqual({ a: 0, b: 1 });

      // Drop `a`, add `c` and `d`: new keys come after every priority the state had.
      await patch('banner', {
        variants: [
          { key: 'b', value: 'B2', weight: 10 },
          { key: 'c', value: 'C', weight: 20 },
          { key: 'd', value: 'D', weight: 20 },
        ],
      });
      expect(await storedPriorities('banner')).toEqual({ b: 1, c: 2, d: 3 });

      // Drop a middle one later, then add another: still after everything that remains.
      const b = { key: 'b', value: 'B2', weight: 10 };
      const d = { key: 'd', value: 'D', weight: 20 };
      await patch('banner', { variants: [b, d] });
      await patch('banner', { variants: [b, d, { key: 'e', value: 'E', weight: 20 }] });
      expect(await storedPriorities('banner')).toEqual({ b: 1, d: 3, e: 4 });
      expect((await storedState('banner')).hash_key).toBe(hash_key);

      // Drop the highest, then add another in a later edit: the dropped priority is not reused.
      await patch('banner', { variants: [b, d] });
      await patch('banner', { variants: [b, d, { key: 'f', value: 'F', weight: 20 }] });
      expect(await storedPriorities('banner')).toEqual({ b: 1, d: 3, f: 5 });

      expect((await patch('banner', { variants: [] })).variants).toEqual([]);
    });

    it('accepts weights that add up to exactly 100', async () => {
      const state = await patch('max_items', {
        variants: [
          { key: 'x', value: 1, weight: 33.3 },
          { key: 'y', value: 2, weight: 33.3 },
          { key: 'z', value: 3, weight: 33.4 },
        ],
      });
      expect(state.variants).toHaveLength(3);
    });

    const variant = (key: string, weight = 10, value: unknown = 'v') => ({ key, value, weight });
    it.each([
      [
        'weights over 100',
        'banner',
        { variants: [variant('a', 60), variant('b', 40.5)] },
        'variant_weights_exceed_100',
      ],
      [
        'a repeated variant key',
        'banner',
        { variants: [variant('a'), variant('a')] },
        'duplicate_variant_key',
      ],
      ['the reserved key control', 'banner', { variants: [variant('control')] }, 'invalid_variant_key'],
      ['a variant key with spaces', 'banner', { variants: [variant('a b')] }, 'invalid_request'],
      ['a weight over 100', 'banner', { variants: [variant('a', 101)] }, 'invalid_request'],
      ['a negative weight', 'banner', { variants: [variant('a', -1)] }, 'invalid_request'],
      [
        '21 variants',
        'banner',
        { variants: Array.from({ length: 21 }, (_, i) => variant(`v${i}`, 1)) },
        'invalid_request',
      ],
      [
        'a variant value of the wrong type',
        'max_items',
        { variants: [variant('a', 10, 'ten')] },
        'invalid_value',
      ],
      [
        'variants on a boolean feature',
        'dark_mode',
        { variants: [variant('a', 10, null)] },
        'variants_not_supported',
      ],
      [
        'a priority sent by the client',
        'banner',
        { variants: [{ ...variant('a'), priority: 0 }] },
        'invalid_request',
      ],
      ['a value on a boolean feature', 'dark_mode', { value: true }, 'invalid_value'],
      ['a string on a number feature', 'max_items', { value: '3' }, 'invalid_value'],
      ['a number on a string feature', 'banner', { value: 3 }, 'invalid_value'],
      ['a value over 64 KiB', 'layout', { value: { big: 'x'.repeat(64 * 1024) } }, 'value_too_large'],
      [
        'an oversized variant value',
        'banner',
        { variants: [variant('a', 10, 'x'.repeat(64 * 1024 + 1))] },
        'value_too_large',
      ],
      ['a string where a boolean belongs', 'banner', { enabled: 'yes' }, 'invalid_request'],
      ['an unknown property', 'banner', { hash_key: 'mine' }, 'invalid_request'],
      ['malformed JSON', 'banner', '{"enabled": tru', 'malformed_json'],
    ])('refuses %s with 400 and changes nothing', async (_what, featureKey, body, code) => {
      expect(await rejection(db(), () => api('PATCH', stateUrl(featureKey), body))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });

    it('does not touch states through foreign environments or features of other projects', async () => {
      expect(
        await rejection(db(), () =>
          api('PATCH', `/environments/${foreign.environmentId}/feature-states/${foreign.featureId}`, {
            enabled: true,
          }),
        ),
      ).toEqual({ status: 404, code: 'environment_not_found', changed: false });
      expect(
        await rejection(db(), () =>
          api('PATCH', `/environments/${development}/feature-states/${sibling.featureId}`, { enabled: true }),
        ),
      ).toEqual({ status: 404, code: 'feature_not_found', changed: false });
      expect(
        await rejection(db(), () =>
          t.app.inject({
            method: 'PATCH',
            url: `/api/admin/v1${stateUrl('banner')}`,
            payload: { enabled: true },
          }),
        ),
      ).toEqual({ status: 401, code: 'unauthorized', changed: false });
    });
  });
});
