import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { ProviderEvents, OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../packages/server/src/config.js';
import { type RunningServer, startServer } from '../packages/server/src/server.js';

const ADMIN_TOKEN = 'pat_e2e-ofrep-admin-token-0123456789';

/**
 * The real OpenFeature OFREP providers (server and web) against a real Pennon server on
 * loopback, configured through the admin API over HTTP. No mocks.
 */
describe('OFREP with the OpenFeature providers', () => {
  let dataDir: string;
  let server: RunningServer;
  let environmentId: string;
  let clientKey: string;
  let serverKey: string;
  const featureIds: Record<string, string> = {};
  /** Statuses of bulk evaluations as the server sent them, observed on the raw Node server. */
  const bulkStatuses: number[] = [];

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
    featureIds[feature.key] = feature.id;
    if (state) await admin('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, state);
  };
  let projectId: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-ofrep-'));
    server = await startServer(
      loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminToken: ADMIN_TOKEN }),
    );
    server.app.server.on('request', (request, response) => {
      if (request.method !== 'POST' || !request.url?.startsWith('/ofrep/v1/evaluate/flags')) return;
      if (request.url.startsWith('/ofrep/v1/evaluate/flags/')) return;
      response.on('finish', () => bulkStatuses.push(response.statusCode));
    });

    projectId = (await admin('GET', '/projects')).items[0].id;
    const environments = (await admin('GET', `/projects/${projectId}/environments`)).items;
    const production = environments.find((e: { key: string }) => e.key === 'production');
    environmentId = production.id;
    clientKey = production.client_key;
    serverKey = (await admin('POST', `/environments/${environmentId}/server-keys`, { name: 'backend' })).key;

    await createFeature({ key: 'dark_mode', type: 'boolean' }, { enabled: true });
    await createFeature({ key: 'banner', type: 'string', default_value: 'hello' }, { enabled: true });
    await createFeature({ key: 'max_items', type: 'number', default_value: 10 }, { enabled: true });
    await createFeature({ key: 'theme', type: 'json', default_value: { color: 'blue' } }, { enabled: true });
    await createFeature({ key: 'off_text', type: 'string', default_value: 'unused' });
    await createFeature({ key: 'internal', type: 'boolean', server_key_only: true, default_enabled: true });
    await createFeature(
      { key: 'headline', type: 'string', default_value: 'control copy' },
      {
        enabled: true,
        variants: [
          { key: 'bold', value: 'BOLD', weight: 50 },
          { key: 'calm', value: 'calm', weight: 50 },
        ],
      },
    );
    const segment = await admin('POST', `/projects/${projectId}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: featureIds.banner,
      enabled: true,
      value: 'welcome, pro',
    });
  });

  afterAll(async () => {
    await WebOpenFeature.close();
    await ServerOpenFeature.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('@openfeature/ofrep-provider (server)', () => {
    const client = () => ServerOpenFeature.getClient('ofrep-server');

    beforeAll(async () => {
      await ServerOpenFeature.setProviderAndWait(
        'ofrep-server',
        new OFREPProvider({ baseUrl: server.url, headers: { 'X-API-Key': serverKey } }),
      );
    });

    it('resolves typed values with OpenFeature reasons', async () => {
      const context = { targetingKey: 'ana', plan: 'pro' };
      expect(await client().getBooleanDetails('dark_mode', false, context)).toMatchObject({
        value: true,
        reason: 'DEFAULT',
      });
      expect(await client().getNumberValue('max_items', 0, context)).toBe(10);
      expect(await client().getObjectValue('theme', {}, context)).toEqual({ color: 'blue' });
      const banner = await client().getStringDetails('banner', 'fallback', context);
      expect(banner).toMatchObject({
        value: 'welcome, pro',
        reason: 'TARGETING_MATCH',
        flagMetadata: { reasonDetail: 'TARGETING_MATCH; segment=pro users', type: 'string' },
      });
      expect(banner.errorCode).toBeUndefined();
      // A server key sees server-only flags.
      expect(await client().getBooleanValue('internal', false)).toBe(true);
    });

    it('resolves a multivariate flag to a variant of the targeting key', async () => {
      const details = await client().getStringDetails('headline', 'fallback', { targetingKey: 'user-7' });
      expect(details.reason).toBe('SPLIT');
      expect(details.value).toBe(details.variant === 'bold' ? 'BOLD' : 'calm');
      expect(details.variant).toMatch(/^(bold|calm)$/);
    });

    it('gives the default value and FLAG_NOT_FOUND for an unknown flag', async () => {
      const details = await client().getStringDetails('no_such_flag', 'fallback', { targetingKey: 'ana' });
      expect(details).toMatchObject({ value: 'fallback', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    });

    it('gives the default value and INVALID_CONTEXT for a context we cannot use', async () => {
      const details = await client().getStringDetails('banner', 'fallback', {
        targetingKey: 'ana',
        address: { city: 'Paris' },
      });
      expect(details).toMatchObject({ value: 'fallback', errorCode: 'INVALID_CONTEXT' });
    });

    it('gives the default value for a disabled non-boolean flag', async () => {
      // The server may omit `value` (OFREP protocol#46); ofrep-provider 0.1.x predates that and
      // reports an error, but the caller's default applies either way.
      expect(await client().getStringValue('off_text', 'fallback', { targetingKey: 'ana' })).toBe('fallback');
    });
  });

  describe('@openfeature/ofrep-web-provider (browser provider, run in Node)', () => {
    const client = () => WebOpenFeature.getClient('ofrep-web');

    beforeAll(async () => {
      // Node 20 has no EventSource; the provider looks for the global one.
      (globalThis as { EventSource?: unknown }).EventSource ??= EventSource;
      await WebOpenFeature.setProviderAndWait(
        'ofrep-web',
        new OFREPWebProvider({
          baseUrl: server.url,
          headers: [['Authorization', `Bearer ${clientKey}`]],
          cacheMode: 'disabled',
        }),
        { targetingKey: 'user-7', plan: 'pro' },
      );
    });

    it('resolves typed values from one bulk evaluation', async () => {
      expect(client().getBooleanDetails('dark_mode', false)).toMatchObject({
        value: true,
        reason: 'DEFAULT',
      });
      expect(client().getStringDetails('banner', 'fallback')).toMatchObject({
        value: 'welcome, pro',
        reason: 'TARGETING_MATCH',
      });
      expect(client().getNumberValue('max_items', 0)).toBe(10);
      expect(client().getObjectValue('theme', {})).toEqual({ color: 'blue' });
      const headline = client().getStringDetails('headline', 'fallback');
      expect(headline).toMatchObject({
        reason: 'SPLIT',
        value: headline.variant === 'bold' ? 'BOLD' : 'calm',
      });
      // Same targeting key, same variant as the server provider got.
      const server = await ServerOpenFeature.getClient('ofrep-server').getStringDetails('headline', 'x', {
        targetingKey: 'user-7',
      });
      expect(headline.variant).toBe(server.variant);
    });

    it('applies the default to a disabled flag, and reports unknown and server-only flags as not found', async () => {
      const off = client().getStringDetails('off_text', 'fallback');
      expect(off).toMatchObject({ value: 'fallback', reason: 'DISABLED' });
      expect(off.errorCode).toBeUndefined();
      expect(client().getBooleanDetails('internal', false)).toMatchObject({
        value: false,
        errorCode: 'FLAG_NOT_FOUND',
      });
      expect(client().getStringDetails('no_such_flag', 'fallback')).toMatchObject({
        value: 'fallback',
        errorCode: 'FLAG_NOT_FOUND',
      });
    });

    it('revalidates with If-None-Match and gets 304 while nothing changed', async () => {
      // The stream's first event asks the provider to refetch; it sends the ETag it holds.
      await waitFor(() => bulkStatuses.includes(304));
      expect(bulkStatuses[0]).toBe(200);
      // A context change with the same targeting key revalidates too.
      const before = bulkStatuses.length;
      await WebOpenFeature.setContext('ofrep-web', { targetingKey: 'user-7', plan: 'pro' });
      await waitFor(() => bulkStatuses.length > before);
      expect(bulkStatuses[before]).toBe(304);
    });

    it('receives a change made through the admin API over the event stream', async () => {
      const changed = new Promise<string[]>((resolve) => {
        client().addHandler(ProviderEvents.ConfigurationChanged, (details) => {
          if (details?.flagsChanged?.includes('max_items')) resolve(details.flagsChanged);
        });
      });
      await admin('PATCH', `/environments/${environmentId}/feature-states/${featureIds.max_items}`, {
        value: 42,
      });
      expect(await withTimeout(changed, 10_000)).toContain('max_items');
      expect(client().getNumberValue('max_items', 0)).toBe(42);
      expect(bulkStatuses.at(-1)).toBe(200);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms)),
  ]);
}
