import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/**
 * Feature keys are any `[A-Za-z0-9_.:-]+`, so `__proto__` and `constructor` are keys like any
 * other: records keyed by feature must hold them as entries, never as a prototype.
 */
describeEachDialect('features named like object internals', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;

  const admin = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    clientKey = production.clientKey;
    serverKey = (
      await admin('POST', `/environments/${production.id}/server-keys`, { name: 'backend' })
    ).json().key;
    for (const key of ['__proto__', 'constructor']) {
      const created = await admin('POST', `/projects/${t.projectId}/features`, {
        key,
        type: 'string',
        default_value: `value of ${key}`,
        default_enabled: true,
      });
      expect(created.statusCode).toBe(201);
    }
    await admin('POST', `/projects/${t.projectId}/features`, { key: 'plain', type: 'boolean' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves them as flags on the native API, with and without an identity', async () => {
    for (const payload of [{}, { identifier: 'ann', transient: true, traits: { plan: 'pro' } }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sdk/v1/flags',
        headers: { authorization: `Bearer ${clientKey}` },
        payload,
      });
      expect(response.statusCode).toBe(200);
      const flags = JSON.parse(response.body).flags;
      expect(Object.keys(flags).sort()).toEqual(['__proto__', 'constructor', 'plain']);
      expect(Object.getOwnPropertyDescriptor(flags, '__proto__')?.value).toMatchObject({
        enabled: true,
        value: 'value of __proto__',
      });
      expect(flags.constructor).toMatchObject({ enabled: true, value: 'value of constructor' });
    }
  });

  it('serves them on the Flagsmith API, OFREP, Statsig and in the environment document', async () => {
    const names = (list: { feature: { name: string } }[]) => list.map((flag) => flag.feature.name).sort();
    const flagsmith = await t.app.inject({
      url: '/api/v1/flags/',
      headers: { 'x-environment-key': clientKey },
    });
    expect(names(flagsmith.json())).toEqual(['__proto__', 'constructor', 'plain']);
    const identity = await t.app.inject({
      method: 'POST',
      url: '/api/v1/identities/',
      headers: { 'x-environment-key': clientKey },
      payload: { identifier: 'ann', traits: [{ trait_key: 'plan', trait_value: 'pro', transient: true }] },
    });
    expect(names(identity.json().flags)).toEqual(['__proto__', 'constructor', 'plain']);

    const ofrep = await t.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags',
      headers: { authorization: `Bearer ${clientKey}` },
      payload: { context: { targetingKey: 'ann' } },
    });
    const ofrepFlags = ofrep.json().flags as { key: string; value: unknown }[];
    expect(ofrepFlags.find((flag) => flag.key === '__proto__')).toMatchObject({
      value: 'value of __proto__',
    });

    const statsig = await t.app.inject({
      method: 'POST',
      url: `/v1/initialize?k=${clientKey}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ user: { userID: 'ann' }, hash: 'none' }),
    });
    const configs = JSON.parse(statsig.body).dynamic_configs;
    expect(Object.keys(configs).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(configs, '__proto__')?.value).toMatchObject({
      value: { value: 'value of __proto__' },
    });

    const document = await t.app.inject({
      url: '/api/v1/environment-document/',
      headers: { 'x-environment-key': serverKey },
    });
    expect(document.statusCode).toBe(200);
    const states = document.json().feature_states as { feature: { name: string } }[];
    expect(names(states)).toEqual(['__proto__', 'constructor', 'plain']);
  });
});
