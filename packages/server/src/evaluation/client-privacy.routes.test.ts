import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/**
 * DESIGN.md §7: a public client key never reveals other identities, and stores traits only
 * where the environment allows it (`hide_sensitive_data`, `allow_client_traits`).
 */
describeEachDialect('what a client key may read and write about identities', (getDatabase) => {
  let t: TestApp;
  let environmentId: string;
  let clientKey: string;
  let serverKey: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const identify = (key: string, identifier: string, traits: [string, unknown][] = []) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/identities/',
      headers: { 'x-environment-key': key },
      payload: { identifier, traits: traits.map(([trait_key, trait_value]) => ({ trait_key, trait_value })) },
    });
  const storedTraits = async (identifier: string) =>
    (await admin('GET', `/environments/${environmentId}/identities/${identifier}`)).json().traits;
  const traitsOf = (response: { json(): { traits: { trait_key: string; trait_value: unknown }[] } }) =>
    Object.fromEntries(response.json().traits.map((t) => [t.trait_key, t.trait_value]));

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const environment = t.environments[0];
    if (!environment) throw new Error('no environment');
    environmentId = environment.id;
    clientKey = environment.clientKey;
    serverKey = (
      await admin('POST', `/environments/${environmentId}/server-keys`, { name: 'backend' })
    ).json().key;
    expect((await identify(serverKey, 'victim', [['email', 'victim@example.com']])).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('creates environments with hide_sensitive_data and allow_client_traits on', async () => {
    const created = await admin('POST', `/projects/${t.projectId}/environments`, { key: 'qa', name: 'QA' });
    expect(created.json()).toMatchObject({ hide_sensitive_data: true, allow_client_traits: true });
    expect((await admin('GET', `/environments/${environmentId}`)).json()).toMatchObject({
      hide_sensitive_data: true,
      allow_client_traits: true,
    });
  });

  it("never shows a client key another user's stored traits, on GET or POST", async () => {
    const read = await t.app.inject({
      url: '/api/v1/identities/?identifier=victim',
      headers: { 'x-environment-key': clientKey },
    });
    expect(read.statusCode).toBe(200);
    expect(traitsOf(read)).toEqual({});
    const posted = await identify(clientKey, 'victim', [['plan', 'pro']]);
    expect(traitsOf(posted)).toEqual({ plan: 'pro' });
    // A server key is trusted with the whole identity.
    expect(traitsOf(await identify(serverKey, 'victim'))).toEqual({
      email: 'victim@example.com',
      plan: 'pro',
    });
  });

  it('shows stored traits to client keys when the environment turns hide_sensitive_data off', async () => {
    await admin('PATCH', `/environments/${environmentId}`, { hide_sensitive_data: false });
    try {
      expect(traitsOf(await identify(clientKey, 'victim'))).toMatchObject({ email: 'victim@example.com' });
    } finally {
      await admin('PATCH', `/environments/${environmentId}`, { hide_sensitive_data: true });
    }
  });

  it('with allow_client_traits off, uses client traits for the evaluation only, on every protocol', async () => {
    const patched = await admin('PATCH', `/environments/${environmentId}`, { allow_client_traits: false });
    expect(patched.json()).toMatchObject({ allow_client_traits: false });
    try {
      const document = await t.app.inject({
        url: '/api/v1/environment-document/',
        headers: { 'x-environment-key': serverKey },
      });
      expect(document.json()).toMatchObject({ allow_client_traits: false, hide_sensitive_data: true });

      const before = await storedTraits('victim');
      const flagsmith = await identify(clientKey, 'victim', [
        ['email', null],
        ['plan', 'hacked'],
      ]);
      expect(flagsmith.statusCode).toBe(200);
      expect(traitsOf(flagsmith)).toEqual({ plan: 'hacked' });
      const native = await t.app.inject({
        method: 'POST',
        url: '/api/sdk/v1/flags',
        headers: { authorization: `Bearer ${clientKey}` },
        payload: { identifier: 'victim', traits: { plan: 'hacked-again', email: null } },
      });
      expect(native.statusCode).toBe(200);
      const statsig = await t.app.inject({
        method: 'POST',
        url: `/v1/initialize?k=${clientKey}`,
        payload: { user: { userID: 'victim', email: 'hacked@example.com', custom: { plan: 'x' } } },
      });
      expect(statsig.statusCode).toBe(200);
      expect(await storedTraits('victim')).toEqual(before);
      // A server key still stores.
      await identify(serverKey, 'victim', [['plan', 'enterprise']]);
      expect((await storedTraits('victim')).plan).toBe('enterprise');
    } finally {
      await admin('PATCH', `/environments/${environmentId}`, { allow_client_traits: true });
    }
  });
});
