import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConfigChange } from '../realtime/change-bus.js';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('a PATCH that changes nothing', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  const heard: ConfigChange[] = [];
  /** Every admin PATCH route, each with a body that changes nothing beyond `{}`. */
  let routes: { url: string; same: Record<string, unknown> }[];

  const environmentTimes = () =>
    getDatabase().db.selectFrom('environments').select(['id', 'updated_at']).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    t.context.bus.subscribe((change) => heard.push(change));
    const feature = (
      await api('POST', '/projects/Default%20project/features', { key: 'banner', type: 'string' })
    ).json();
    const segment = (
      await api('POST', `/projects/${t.projectId}/segments`, { name: 'pros', rules: [{ type: 'ALL' }] })
    ).json();
    const override = (
      await api('POST', '/environments/production/segment-overrides', {
        segment_id: segment.id,
        feature_id: feature.id,
        enabled: true,
        value: 'hi',
      })
    ).json();
    await api('POST', '/environments/production/identities', { identifier: 'ann', traits: { plan: 'pro' } });
    routes = [
      { url: '/organisation', same: { name: 'Default organisation' } },
      { url: `/projects/${t.projectId}`, same: { name: 'Default project' } },
      { url: '/environments/production', same: { name: 'Production', hide_disabled_flags: false } },
      { url: '/features/banner', same: { description: '', tags: [], type: 'string' } },
      { url: '/environments/production/feature-states/banner', same: { enabled: false, value: null } },
      { url: `/segments/${segment.id}`, same: { name: 'pros', rules: [{ type: 'ALL' }] } },
      {
        url: `/environments/production/segment-overrides/${override.id}`,
        same: { enabled: true, value: 'hi', priority: override.priority },
      },
      { url: '/environments/production/identities/ann/traits', same: { traits: { plan: 'pro' } } },
    ];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 200 with the resource as it was, keeps updated_at and wakes no stream', async () => {
    for (const { url, same } of routes) {
      const empty = url.endsWith('/traits') ? { traits: {} } : {};
      for (const body of [empty, same]) {
        const before = (await api('PATCH', url, empty)).json();
        const environments = await environmentTimes();
        heard.length = 0;
        const response = await api('PATCH', url, body);
        expect(response.statusCode, `${url} ${response.body}`).toBe(200);
        expect(response.json(), `${url} ${JSON.stringify(body)}`).toEqual(before);
        expect(heard, `${url} ${JSON.stringify(body)}`).toEqual([]);
        expect(await environmentTimes()).toEqual(environments);
      }
    }
  });

  it('still records a real change', async () => {
    heard.length = 0;
    const response = await api('PATCH', '/environments/production/feature-states/banner', { enabled: true });
    expect(response.statusCode).toBe(200);
    expect(heard).toHaveLength(1);
  });
});
