import { afterAll, beforeAll, expect, it } from 'vitest';
import { FlagUsageRepository } from '../analytics/flag-usage.repository.js';
import { FlagUsageService } from '../analytics/flag-usage.service.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { type Browser, createPerson, grant, signIn } from '../testing/people.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// Owner, archiving, favourites and usage by day: what the console's flag list and flag page read.
describeEachDialect('flag housekeeping', (getDatabase) => {
  let t: TestApp;
  let dev: string;
  let viewer: Browser;
  let editor: Browser;

  const call = (method: Method, url: string, headers: object, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: headers as never, payload });
  const admin = (method: Method, url: string, payload?: object) => call(method, url, t.admin, payload);
  const ok = async (method: Method, url: string, payload?: object) => {
    const response = await admin(method, url, payload);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.statusCode === 204 ? undefined : response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    dev = t.environments[0].id;
    const { db } = getDatabase();
    await grant(db, t.projectId, await createPerson(db, t.organisationId, 'vic@example.com'), 'viewer');
    await grant(db, t.projectId, await createPerson(db, t.organisationId, 'eve@example.com'), 'editor');
    viewer = await signIn(t.app, 'vic@example.com');
    editor = await signIn(t.app, 'eve@example.com');
    await ok('POST', `/projects/${t.projectId}/features`, {
      key: 'old_banner',
      type: 'boolean',
      owner: 'web team',
    });
    await ok('POST', `/projects/${t.projectId}/features`, { key: 'checkout', type: 'string' });
    await ok('PATCH', `/environments/${dev}/feature-states/old_banner`, { enabled: true });
  });
  afterAll(() => t?.close());

  it('keeps an owner, and archives a flag without changing what SDKs get', async () => {
    const created = await ok('GET', '/features/old_banner');
    expect(created).toMatchObject({ owner: 'web team', archived: false });
    const archived = await ok('PATCH', '/features/old_banner', { archived: true, owner: 'platform' });
    expect(archived).toMatchObject({ owner: 'platform', archived: true });
    const flags = await t.app.inject({
      method: 'GET',
      url: '/api/v1/flags/',
      headers: { 'x-environment-key': t.environments[0].clientKey },
    });
    const banner = flags.json().find((f: { feature: { name: string } }) => f.feature.name === 'old_banner');
    expect(banner).toMatchObject({ enabled: true });
    const audit = await ok('GET', `/audit-log?resource_type=feature&resource_id=${created.id}`);
    expect(audit.items[0]).toMatchObject({
      action: 'update',
      before: { archived: false, owner: 'web team' },
      after: { archived: true, owner: 'platform' },
    });
    expect((await ok('PATCH', '/features/old_banner', { archived: false })).archived).toBe(false);
  });

  it('refuses a bad owner or archived value with a code, changing nothing', async () => {
    const long = await admin('PATCH', '/features/checkout', { owner: 'x'.repeat(201) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toMatch(/owner/);
    const notBoolean = await admin('PATCH', '/features/checkout', { archived: 'yes' });
    expect(notBoolean.statusCode).toBe(400);
    expect(await ok('GET', '/features/checkout')).toMatchObject({ owner: '', archived: false });
    const viewerArchives = await call('PATCH', '/features/checkout', viewer.headers, { archived: true });
    expect(viewerArchives.statusCode).toBe(403);
  });

  it('keeps favourites per person: a viewer may mark, each sees only their own', async () => {
    const list = (who: Browser) => call('GET', `/projects/${t.projectId}/favourites`, { cookie: who.cookie });
    expect((await list(viewer)).json()).toEqual({ feature_ids: [] });
    expect((await call('PUT', '/features/checkout/favourite', viewer.headers)).statusCode).toBe(204);
    expect((await call('PUT', '/features/checkout/favourite', viewer.headers)).statusCode).toBe(204);
    expect((await call('PUT', '/features/old_banner/favourite', editor.headers)).statusCode).toBe(204);
    const checkout = await ok('GET', '/features/checkout');
    const banner = await ok('GET', '/features/old_banner');
    expect((await list(viewer)).json()).toEqual({ feature_ids: [checkout.id] });
    expect((await list(editor)).json()).toEqual({ feature_ids: [banner.id] });
    expect((await call('DELETE', '/features/checkout/favourite', viewer.headers)).statusCode).toBe(204);
    expect((await list(viewer)).json()).toEqual({ feature_ids: [] });
  });

  it('tells a token that favourites need a person, and answers 404 for unknown flags', async () => {
    const token = await admin('PUT', '/features/checkout/favourite');
    expect(token.statusCode).toBe(400);
    expect(token.json().error.code).toBe('user_session_required');
    expect((await ok('GET', `/projects/${t.projectId}/favourites`)).feature_ids).toEqual([]);
    const unknown = await call('PUT', '/features/no_such/favourite', viewer.headers);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('feature_not_found');
  });

  it('drops favourites with their feature', async () => {
    await ok('POST', `/projects/${t.projectId}/features`, { key: 'short_lived', type: 'boolean' });
    await call('PUT', '/features/short_lived/favourite', viewer.headers);
    await ok('DELETE', '/features/short_lived');
    const favourites = await call('GET', `/projects/${t.projectId}/favourites`, { cookie: viewer.cookie });
    expect(favourites.json().feature_ids).toEqual([]);
  });

  it('sums evaluations by UTC day over a window, listing unused flags with none', async () => {
    const known = new Set(['old_banner', 'checkout']);
    const at = (iso: string) => new Date(iso);
    const analytics = t.context.flagAnalytics;
    await analytics.record(dev, { old_banner: 3 }, known, at('2026-03-01T23:10:00Z'));
    await analytics.record(dev, { old_banner: 4 }, known, at('2026-03-02T00:10:00Z'));
    await analytics.record(dev, { old_banner: 5, ghost: 9 }, known, at('2026-03-02T13:00:00Z'));
    await analytics.record(dev, { old_banner: 100 }, known, at('2026-02-20T12:00:00Z'));
    await analytics.record(t.environments[1].id, { checkout: 7 }, known, at('2026-03-02T13:00:00Z'));
    const service = new FlagUsageService(new FlagUsageRepository(getDatabase().db));
    const usage = await service.read(t.organisationId, dev, { days: 7 }, at('2026-03-03T08:00:00Z'));
    expect(usage.from).toBe('2026-02-25');
    expect(usage.to).toBe('2026-03-03');
    const byKey = Object.fromEntries(usage.items.map((i) => [i.feature_key, i]));
    expect(byKey.old_banner).toMatchObject({
      total: 12,
      last_evaluated: '2026-03-02',
      daily: [
        { day: '2026-03-01', count: 3 },
        { day: '2026-03-02', count: 9 },
      ],
    });
    expect(byKey.checkout).toMatchObject({ total: 0, last_evaluated: null, daily: [] });
    expect(byKey.ghost).toBeUndefined();
    const one = await service.read(
      t.organisationId,
      dev,
      { days: 30, feature_id: 'old_banner' },
      at('2026-03-03T08:00:00Z'),
    );
    expect(one.items).toHaveLength(1);
    expect(one.items[0].total).toBe(112);
  });

  it('serves usage over HTTP with today in the window, and refuses bad windows', async () => {
    await t.context.flagAnalytics.record(dev, { checkout: 2 }, new Set(['checkout']));
    const response = await ok('GET', `/environments/${dev}/flag-usage?feature_id=checkout&days=1`);
    expect(response.items).toEqual([
      expect.objectContaining({ feature_key: 'checkout', total: 2, last_evaluated: response.to }),
    ]);
    for (const days of ['0', '366', 'many']) {
      const bad = await admin('GET', `/environments/${dev}/flag-usage?days=${days}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/days/);
    }
    const unknown = await admin('GET', `/environments/${dev}/flag-usage?feature_id=nope`);
    expect(unknown.json().error.code).toBe('feature_not_found');
  });
});
