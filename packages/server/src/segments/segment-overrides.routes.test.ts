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

describeEachDialect('segment overrides routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let foreign: SeededProject;
  let sibling: SeededProject;
  let development: string;
  let production: string;
  const segments: Record<string, string> = {};
  const features: Record<string, string> = {};
  const db = () => getDatabase().db;
  const collection = (environmentId = development) => `/environments/${environmentId}/segment-overrides`;
  const environmentTime = async (id: string) =>
    (
      await db()
        .selectFrom('environments')
        .select('updated_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).updated_at;
  const storedOverride = (id: string) =>
    db().selectFrom('segment_overrides').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const storedPriorities = async (id: string) =>
    Object.fromEntries(
      (JSON.parse((await storedOverride(id)).variants) as { key: string; priority: number }[]).map((v) => [
        v.key,
        v.priority,
      ]),
    );
  const create = async (body: Record<string, unknown>, environmentId = development) => {
    const response = await api('POST', collection(environmentId), body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const patch = async (id: string, body: unknown) => {
    const response = await api('PATCH', `${collection()}/${id}`, body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    [development, production] = t.environments.map((e) => e.id);
    foreign = await seedProject(db());
    sibling = await seedProject(db(), t.organisationId);
    for (const name of ['beta', 'staff', 'europe', 'spare']) {
      segments[name] = (
        await api('POST', `/projects/${t.projectId}/segments`, {
          name,
          rules: [{ type: 'ALL', conditions: [{ property: name, operator: 'IS_SET' }] }],
        })
      ).json().id;
    }
    for (const [key, type] of [
      ['banner', 'string'],
      ['dark_mode', 'boolean'],
      ['limit', 'number'],
    ] as const) {
      features[key] = (await api('POST', `/projects/${t.projectId}/features`, { key, type })).json().id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('create and read', () => {
    it('creates overrides, each after the others of its feature unless given a priority, bumping only its environment', async () => {
      const [devBefore, prodBefore] = [await environmentTime(development), await environmentTime(production)];
      const first = await create({
        segment_id: segments.beta,
        feature_id: features.banner,
        enabled: true,
        value: 'beta!',
      });
      expect(first).toMatchObject({
        environment_id: development,
        segment_id: segments.beta,
        feature_id: features.banner,
        priority: 0,
        enabled: true,
        value: 'beta!',
        variants: [],
      });
      expect(await environmentTime(development)).toBe(first.updated_at);
      expect(first.updated_at > devBefore).toBe(true);
      expect(await environmentTime(production)).toBe(prodBefore);

      expect(
        await create({ segment_id: segments.staff, feature_id: features.banner, enabled: false }),
      ).toMatchObject({
        priority: 1,
        value: null,
      });
      expect(
        await create({
          segment_id: segments.europe,
          feature_id: features.banner,
          enabled: true,
          priority: 10,
        }),
      ).toMatchObject({
        priority: 10,
      });
      // Priorities count per feature and per environment.
      expect(
        await create({ segment_id: segments.beta, feature_id: features.dark_mode, enabled: true }),
      ).toMatchObject({ priority: 0 });
      expect(
        await create({ segment_id: segments.beta, feature_id: features.banner, enabled: true }, production),
      ).toMatchObject({
        priority: 0,
      });
      expect(
        await create({ segment_id: segments.staff, feature_id: features.banner, enabled: true }, production),
      ).toMatchObject({
        priority: 1,
      });

      const withVariants = await create({
        segment_id: segments.beta,
        feature_id: features.limit,
        enabled: true,
        value: 5,
        variants: [
          { key: 'low', value: 1, weight: 50 },
          { key: 'high', value: 100, weight: 25 },
        ],
      });
      expect(withVariants.variants).toEqual([
        { key: 'low', value: 1, weight: 50 },
        { key: 'high', value: 100, weight: 25 },
      ]);
      expect(await storedPriorities(withVariants.id)).toEqual({ low: 0, high: 1 });
      expect((await storedOverride(withVariants.id)).hash_key).toMatch(/^[0-9a-f]{32}$/);
    });

    it('refuses a second override of the same feature by the same segment in the environment with 409', async () => {
      expect(
        await rejection(db(), () =>
          api('POST', collection(), {
            segment_id: segments.beta,
            feature_id: features.banner,
            enabled: false,
          }),
        ),
      ).toEqual({ status: 409, code: 'segment_override_exists', changed: false });
    });

    it('lists overrides in pages, optionally of one feature', async () => {
      const all: { feature_id: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { feature_id: string }[]; next_cursor: string | null } = (
          await api('GET', `${collection()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      expect(all).toHaveLength(5);
      const banner = (await api('GET', `${collection()}?feature_id=${features.banner}`)).json();
      expect(banner.items.map((o: { priority: number }) => o.priority)).toEqual([0, 1, 10]);
      expect(
        (await api('GET', `${collection(production)}?feature_id=${features.banner}`)).json().items,
      ).toHaveLength(2);
    });

    it('gets one override; one of another environment or an unknown id is 404', async () => {
      const [override] = (await api('GET', `${collection()}?limit=1`)).json().items;
      expect((await api('GET', `${collection()}/${override.id}`)).json()).toEqual(override);
      for (const url of [
        `${collection(production)}/${override.id}`,
        `${collection()}/nope`,
        `${collection()}/${sibling.overrideId}`,
      ]) {
        const response = await api('GET', url);
        expect(response.statusCode, url).toBe(404);
        expect(response.json().error.code).toBe('segment_override_not_found');
      }
    });
  });

  describe('scoping', () => {
    it('answers 404 for segments and features of another project, and for environments of another organisation', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        [
          collection(),
          { segment_id: sibling.segmentId, feature_id: features.banner, enabled: true },
          'segment_not_found',
        ],
        [
          collection(),
          { segment_id: segments.spare, feature_id: sibling.featureId, enabled: true },
          'feature_not_found',
        ],
        [
          collection(),
          { segment_id: foreign.segmentId, feature_id: features.banner, enabled: true },
          'segment_not_found',
        ],
        [
          collection(),
          { segment_id: segments.spare, feature_id: 'nope', enabled: true },
          'feature_not_found',
        ],
        [
          collection(foreign.environmentId),
          { segment_id: foreign.segmentId, feature_id: foreign.featureId, enabled: true },
          'environment_not_found',
        ],
      ];
      for (const [url, body, code] of cases) {
        expect(await rejection(db(), () => api('POST', url, body))).toEqual({
          status: 404,
          code,
          changed: false,
        });
      }
      const item = `${collection(foreign.environmentId)}/${foreign.overrideId}`;
      for (const [method, body] of [['GET'], ['PATCH', { enabled: false }], ['DELETE']] as const) {
        expect(await rejection(db(), () => api(method, item, body))).toEqual({
          status: 404,
          code: 'environment_not_found',
          changed: false,
        });
      }
      expect((await api('GET', collection(foreign.environmentId))).statusCode).toBe(404);
      expect(
        await rejection(db(), () => t.app.inject({ method: 'GET', url: `/api/admin/v1${collection()}` })),
      ).toMatchObject({
        status: 401,
      });
    });
  });

  describe('update and delete', () => {
    const find = async (segment: string, feature: string) =>
      (await api('GET', `${collection()}?feature_id=${features[feature]}`))
        .json()
        .items.find((o: { segment_id: string }) => o.segment_id === segments[segment]);

    it('updates enabled, value and priority, bumping only its environment', async () => {
      const override = await find('staff', 'banner');
      const prodBefore = await environmentTime(production);
      const updated = await patch(override.id, { enabled: true, value: 'staff only', priority: 3 });
      expect(updated).toMatchObject({ id: override.id, enabled: true, value: 'staff only', priority: 3 });
      expect(await environmentTime(development)).toBe(updated.updated_at);
      expect(await environmentTime(production)).toBe(prodBefore);
      expect((await api('GET', `${collection()}/${override.id}`)).json()).toEqual(updated);
    });

    it('keeps variant priorities and the hash key across edits, as feature states do', async () => {
      const override = await find('beta', 'limit');
      const { hash_key } = await storedOverride(override.id);
      await patch(override.id, {
        variants: [
          { key: 'high', value: 200, weight: 10 },
          { key: 'low', value: 2, weight: 80 },
        ],
      });
      expect(await storedPriorities(override.id)).toEqual({ low: 0, high: 1 });
      await patch(override.id, {
        variants: [
          { key: 'high', value: 200, weight: 10 },
          { key: 'mid', value: 50, weight: 10 },
        ],
      });
      expect(await storedPriorities(override.id)).toEqual({ high: 1, mid: 2 });
      expect((await storedOverride(override.id)).hash_key).toBe(hash_key);
    });

    const variant = (key: string, weight = 10, value: unknown = 1) => ({ key, value, weight });
    it.each([
      ['weights over 100', { variants: [variant('a', 70), variant('b', 31)] }, 'variant_weights_exceed_100'],
      ['a variant value of the wrong type', { variants: [variant('a', 10, 'one')] }, 'invalid_value'],
      ['the reserved key control', { variants: [variant('control')] }, 'invalid_variant_key'],
      ['a value of the wrong type', { value: 'five' }, 'invalid_value'],
      ['a number beyond floating point (parsed as Infinity)', '{"value": 1e400}', 'invalid_value'],
      ['a negative priority', { priority: -1 }, 'invalid_request'],
      ['a fractional priority', { priority: 1.5 }, 'invalid_request'],
      ['a new segment', { segment_id: 'x' }, 'invalid_request'],
      ['an unknown property', { hash_key: 'x' }, 'invalid_request'],
      ['malformed JSON', '{"enabled":', 'malformed_json'],
    ])('refuses %s with 400 and changes nothing', async (_what, body, code) => {
      const override = await find('beta', 'limit');
      const result = await rejection(db(), () => api('PATCH', `${collection()}/${override.id}`, body));
      expect(result).toEqual({ status: 400, code, changed: false });
    });

    it.each([
      ['a value on a boolean feature', { feature_id: 'dark_mode', value: true }, 'invalid_value'],
      [
        'variants on a boolean feature',
        { feature_id: 'dark_mode', variants: [variant('a')] },
        'variants_not_supported',
      ],
      ['an oversized value', { feature_id: 'banner', value: 'x'.repeat(64 * 1024 + 1) }, 'value_too_large'],
      ['a missing enabled', { feature_id: 'banner', enabled: undefined }, 'invalid_request'],
      [
        '21 variants',
        { feature_id: 'banner', variants: Array.from({ length: 21 }, (_, i) => variant(`v${i}`, 1, 'v')) },
        'invalid_request',
      ],
    ])('refuses to create with %s and changes nothing', async (_what, { feature_id, ...rest }, code) => {
      const body = { segment_id: segments.spare, feature_id: features[feature_id], enabled: true, ...rest };
      expect(await rejection(db(), () => api('POST', collection(), body))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });

    it('deletes an override, bumping only its environment', async () => {
      const override = await find('europe', 'banner');
      const prodBefore = await environmentTime(production);
      const devBefore = await environmentTime(development);
      const response = await api('DELETE', `${collection()}/${override.id}`);
      expect(response.statusCode).toBe(204);
      expect((await api('GET', `${collection()}/${override.id}`)).statusCode).toBe(404);
      expect((await environmentTime(development)) > devBefore).toBe(true);
      expect(await environmentTime(production)).toBe(prodBefore);
      expect(await rejection(db(), () => api('DELETE', `${collection()}/${override.id}`))).toEqual({
        status: 404,
        code: 'segment_override_not_found',
        changed: false,
      });
    });
  });
});
