import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatsigClient, type StatsigOptions } from '@statsig/js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../packages/server/src/config.js';
import { type RunningServer, startServer } from '../packages/server/src/server.js';
import { type Database, openSqlite } from '../packages/server/src/storage/database.js';

const ADMIN_TOKEN = 'pat_e2e-statsig-admin-token-0123456789';

/**
 * The real `@statsig/js-client` in Node against a real Pennon server on loopback,
 * configured through the admin API over HTTP; what the client logs is read back from the
 * server's own database file. No mocks.
 */
describe('Statsig client API with @statsig/js-client', () => {
  let dataDir: string;
  let server: RunningServer;
  let database: Database;
  let projectId: string;
  let environmentId: string;
  let clientKey: string;
  /** Every request the server saw on /v1, as `path?query`. */
  const seen: string[] = [];
  /** Anything the client tried to reach beyond the server: must stay empty. */
  const escaped: string[] = [];

  const admin = async (method: string, url: string, body?: object) => {
    const response = await fetch(`${server.url}/api/admin/v1${url}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const createFeature = async (body: object, state?: object) => {
    const feature = await admin('POST', `/projects/${projectId}/features`, body);
    if (state) await admin('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, state);
    return feature;
  };

  /** Options that keep the client on loopback: its own fetch, refusing every other host. */
  const options = (): StatsigOptions => ({
    networkConfig: {
      api: `${server.url}/v1`,
      sdkExceptionUrl: `${server.url}/v1/sdk_exception`,
      networkOverrideFunc: (url, args) => {
        if (!url.startsWith(server.url)) {
          escaped.push(url);
          return Promise.reject(new Error(`blocked request to ${url}`));
        }
        return fetch(url, args as RequestInit);
      },
    },
    // Node counts as a server environment, where the client logs nothing unless told to.
    loggingEnabled: 'always',
    environment: { tier: 'production' },
  });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-statsig-'));
    server = await startServer(
      loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminToken: ADMIN_TOKEN }),
    );
    server.app.server.on('request', (request) => {
      if (request.url?.startsWith('/v1/')) seen.push(request.url);
    });
    // A second connection to the same SQLite file (WAL), to read back what the client logged.
    database = openSqlite(path.join(dataDir, 'pennon.db'));

    projectId = (await admin('GET', '/projects')).items[0].id;
    const environments = (await admin('GET', `/projects/${projectId}/environments`)).items;
    const production = environments.find((e: { key: string }) => e.key === 'production');
    environmentId = production.id;
    clientKey = production.client_key;

    await createFeature({ key: 'dark_mode', type: 'boolean' }, { enabled: true });
    await createFeature({ key: 'beta', type: 'boolean' });
    await createFeature({ key: 'banner', type: 'string', default_value: 'hello' }, { enabled: true });
    await createFeature({ key: 'limits', type: 'json', default_value: { max: 5 } }, { enabled: true });
    const checkout = await createFeature(
      { key: 'checkout', type: 'string', default_value: 'grey' },
      {
        enabled: true,
        variants: [
          { key: 'blue', value: 'blue', weight: 50 },
          { key: 'green', value: 'green', weight: 50 },
        ],
      },
    );
    const segment = await admin('POST', `/projects/${projectId}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    const banner = (await admin('GET', `/projects/${projectId}/features`)).items.find(
      (f: { key: string }) => f.key === 'banner',
    );
    await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: banner.id,
      enabled: true,
      value: 'welcome, pro',
    });
    expect(checkout.key).toBe('checkout');
  });

  afterAll(async () => {
    await database?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('initializes, evaluates gates, configs and experiments, and logs exposures and events', async () => {
    // With its own stableID the client also checks the echoed user against its own.
    const user = {
      userID: 'user-1',
      email: 'one@example.com',
      custom: { plan: 'pro' },
      customIDs: { stableID: 'device-1' },
    };
    const client = new StatsigClient(clientKey, user, options());
    const details = await client.initializeAsync();
    expect(details.success).toBe(true);
    expect(
      seen.some(
        (url) => url.startsWith('/v1/initialize?') && url.includes(`k=${encodeURIComponent(clientKey)}`),
      ),
    ).toBe(true);

    expect(client.checkGate('dark_mode')).toBe(true);
    expect(client.checkGate('beta')).toBe(false);
    expect(client.getFeatureGate('dark_mode').details.reason).toBe('Network:Recognized');
    // The user echoed back matches the client's own: no PartialUserMatch (nor StableIDMismatch).
    expect(client.getFeatureGate('dark_mode').details.warnings).toBeUndefined();
    expect(client.checkGate('no_such_gate')).toBe(false);

    const banner = client.getDynamicConfig('banner');
    expect(banner.get('value', 'fallback')).toBe('welcome, pro');
    expect(banner.ruleID).toBe('TARGETING_MATCH');
    expect(client.getDynamicConfig('limits').get('max', 0)).toBe(5);

    const experiment = client.getExperiment('checkout');
    expect(['blue', 'green']).toContain(experiment.groupName);
    expect(experiment.get('value', 'grey')).toBe(experiment.groupName);

    client.logEvent('purchase', 42.5, { sku: 'a1' });
    client.logEvent({ eventName: 'search', value: 'red shoes', metadata: { page: 'home' } });
    await client.flush();
    await client.shutdown();

    const rgstr = seen.filter((url) => url.startsWith('/v1/rgstr?'));
    expect(rgstr.length).toBeGreaterThan(0);
    // The initialize response told the client it may gzip its batches to this host.
    expect(rgstr.every((url) => url.includes('gz=1'))).toBe(true);

    const exposures = await database.db
      .selectFrom('exposures')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('unit_id', '=', 'user-1')
      .execute();
    const byKey = new Map(exposures.map((e) => [e.feature_key, e]));
    expect(byKey.get('dark_mode')).toMatchObject({
      value: 'true',
      reason: 'DEFAULT',
      variant: null,
      source: 'statsig',
    });
    expect(byKey.get('beta')).toMatchObject({ value: 'false' });
    expect(byKey.get('banner')).toMatchObject({
      reason: 'TARGETING_MATCH',
      variant: null,
    });
    expect(byKey.get('checkout')).toMatchObject({
      variant: experiment.groupName,
      reason: 'SPLIT; weight=50',
    });
    expect(byKey.get('no_such_gate')).toMatchObject({ value: 'false', reason: null });

    const events = await database.db
      .selectFrom('events')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('unit_id', '=', 'user-1')
      .orderBy('occurred_ms')
      .execute();
    expect(events.map((e) => [e.name, e.value, JSON.parse(e.properties)])).toEqual([
      ['purchase', 42.5, { sku: 'a1' }],
      ['search', null, { page: 'home', value: 'red shoes' }],
    ]);
    expect(escaped).toEqual([]);
  });

  it('keeps its values when the server says nothing changed, and sees a change after one', async () => {
    const user = { userID: 'user-2' };
    const client = new StatsigClient(clientKey, user, options());
    await client.initializeAsync();
    expect(client.checkGate('beta')).toBe(false);

    // Same user again: the client sends sinceTime and the server answers has_updates false.
    await client.updateUserAsync(user);
    expect(client.getFeatureGate('dark_mode').details.reason).toBe('NetworkNotModified:Recognized');
    expect(client.checkGate('dark_mode')).toBe(true);

    const beta = (await admin('GET', `/projects/${projectId}/features`)).items.find(
      (f: { key: string }) => f.key === 'beta',
    );
    await admin('PATCH', `/environments/${environmentId}/feature-states/${beta.id}`, { enabled: true });
    await client.updateUserAsync(user);
    expect(client.getFeatureGate('beta').details.reason).toBe('Network:Recognized');
    expect(client.checkGate('beta')).toBe(true);
    await client.shutdown();
    expect(escaped).toEqual([]);
  });

  it('works with Statsig-encoded bodies, as the client sends them where btoa is on window', async () => {
    const globals = globalThis as { window?: unknown };
    globals.window = { btoa: globalThis.btoa };
    try {
      const before = seen.length;
      const client = new StatsigClient(
        clientKey,
        { userID: 'user-3', custom: { plan: 'pro', city: 'Zürich' } },
        options(),
      );
      expect((await client.initializeAsync()).success).toBe(true);
      const initialize = seen.slice(before).find((url) => url.startsWith('/v1/initialize?'));
      expect(initialize).toContain('se=1');
      expect(client.getDynamicConfig('banner').get('value', 'fallback')).toBe('welcome, pro');
      client.checkGate('dark_mode');
      await client.shutdown();
    } finally {
      delete globals.window;
    }
    const exposures = await database.db
      .selectFrom('exposures')
      .selectAll()
      .where('unit_id', '=', 'user-3')
      .execute();
    expect(exposures.map((e) => e.feature_key).sort()).toEqual(['banner', 'dark_mode']);
    expect(escaped).toEqual([]);
  });
});
