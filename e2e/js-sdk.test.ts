import path from 'node:path';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import type { createClient, PennonClient } from '@pennon/js';
import { PennonWebProvider } from '@pennon/js/openfeature';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/async.js';
import { browserUnavailableReason, bundle, launchChromium, servePages } from './support/browser.js';
import { type E2eServer, startE2eServer } from './support/server.js';

/**
 * `@pennon/js` in real headless Chromium against a real server: the page loads a bundle of the
 * SDK from its own origin and talks to the API cross-origin, as a site would.
 */

const skip = browserUnavailableReason();

/** What the test page's bundle puts on `window`, and what the tests keep there. */
type PageWindow = Window & { createClient: typeof createClient; client: PennonClient; changes: number };

let server: E2eServer;
let environmentId: string;
let clientKey: string;
let bannerId: string;

const serverFlags = async (body: object) => {
  const response = await fetch(`${server.url}/api/sdk/v1/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { flags: Record<string, unknown> }).flags;
};

const stored = (table: 'events' | 'exposures', unitId: string): number => {
  const db = new Database(path.join(server.dataDir, 'pennon.db'), { readonly: true });
  try {
    return (
      db
        .prepare(`select count(*) as n from ${table} where environment_id = ? and unit_id = ?`)
        .get(environmentId, unitId) as { n: number }
    ).n;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  server = await startE2eServer();
  const development = await server.development();
  environmentId = development.environmentId;
  clientKey = development.clientKey;
  const { projectId } = development;
  const banner = await server.admin('POST', `/projects/${projectId}/features`, {
    key: 'banner',
    type: 'string',
    default_value: 'hello',
  });
  bannerId = banner.id;
  await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, { enabled: true });
  await server.admin('POST', `/projects/${projectId}/features`, { key: 'dark_mode', type: 'boolean' });
  const segment = await server.admin('POST', `/projects/${projectId}/segments`, {
    name: 'pro users',
    rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
  });
  await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
    segment_id: segment.id,
    feature_id: bannerId,
    enabled: true,
    value: 'welcome, pro',
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

(skip ? describe.skip : describe)(
  skip ? `@pennon/js in Chromium (skipped: ${skip})` : '@pennon/js in Chromium',
  () => {
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let pages: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      const script = await bundle(
        "import { createClient, PennonClient } from '@pennon/js'; Object.assign(window, { createClient, PennonClient });",
      );
      pages = await servePages(
        new Map([
          ['/', () => ['text/html', '<!doctype html><title>shop</title><script src="/app.js"></script>']],
          ['/app.js', () => ['text/javascript', script]],
        ]),
      );
      browser = await launchChromium();
      context = await browser.newContext();
      page = await context.newPage();
      await page.goto(pages.url);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await pages?.close();
    });

    /** Starts a client in the page (`window.client`) and reports what `ready` resolved to. */
    const startClient = (options: object) =>
      page.evaluate(
        async ({ options }) => {
          const w = window as unknown as PageWindow;
          const began = performance.now();
          w.client = w.createClient(options);
          const source = await w.client.ready;
          return {
            source,
            ms: performance.now() - began,
            banner: w.client.getString('banner', 'default'),
            flags: w.client.getAllFlags(),
          };
        },
        { options: { clientKey, url: server.url, ...options } },
      );

    it('first load: fetches the user’s values from the server', async () => {
      const result = await startClient({ user: { identifier: 'ada', traits: { plan: 'pro' } } });
      expect(result.source).toBe('server');
      expect(result.banner).toBe('welcome, pro');
      expect(result.flags).toEqual(await serverFlags({ identifier: 'ada' }));
    });

    it('reload offline: starts at once from the cache; an unknown visitor gets defaults within the timeout', async () => {
      await page.route(`${server.url}/**`, (route) => route.abort());
      try {
        await page.reload();
        const cached = await startClient({ user: { identifier: 'ada' }, readyTimeoutMs: 1000 });
        expect(cached).toMatchObject({ source: 'cache', banner: 'welcome, pro' });
        expect(cached.ms).toBeLessThan(100);
        const stranger = await startClient({ user: { identifier: 'nobody' }, readyTimeoutMs: 1000 });
        expect(stranger).toMatchObject({ source: 'defaults', banner: 'default' });
        expect(stranger.ms).toBeLessThan(2500);
      } finally {
        await page.unroute(`${server.url}/**`);
        await page.reload();
      }
    });

    it('identify and trait updates refetch', async () => {
      await startClient({ user: { identifier: 'bea' } });
      const banner = () =>
        page.evaluate(() => (window as unknown as PageWindow).client.getString('banner', 'default'));
      expect(await banner()).toBe('hello');
      await page.evaluate(() =>
        (window as unknown as PageWindow).client.identify({ identifier: 'cal', traits: { plan: 'pro' } }),
      );
      expect(await banner()).toBe('welcome, pro');
      await page.evaluate(() => (window as unknown as PageWindow).client.setTraits({ plan: 'free' }));
      expect(await banner()).toBe('hello');
    });

    it('live update: a change made in the admin API reaches the page through the stream', async () => {
      await startClient({ user: { identifier: 'dan' }, pollIntervalMs: 3_600_000 });
      await page.evaluate(() => {
        const w = window as unknown as PageWindow;
        w.changes = 0;
        w.client.on('change', () => w.changes++);
      });
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, {
        value: 'live!',
      });
      await page.waitForFunction(
        () => (window as unknown as PageWindow).client.getString('banner', '') === 'live!',
        null,
        {
          timeout: 10_000,
        },
      );
      expect(await page.evaluate(() => (window as unknown as PageWindow).changes)).toBeGreaterThan(0);
    });

    it('events and exposures leave with sendBeacon when the page hides', async () => {
      // A flush interval longer than the test: only the page-hide beacon can deliver these.
      await startClient({ user: { identifier: 'eve' }, events: { flushIntervalMs: 3_600_000 } });
      await page.evaluate(() => {
        const client = (window as unknown as PageWindow).client;
        client.getString('banner', 'x');
        client.isEnabled('dark_mode');
        for (let i = 0; i < 3; i++) client.track('add_to_cart', i, { sku: `TS-${i}` });
      });
      expect(stored('events', 'eve')).toBe(0);
      await page.goto('about:blank');
      await eventually(() => stored('events', 'eve') === 3, 'the beaconed events');
      await eventually(() => stored('exposures', 'eve') === 2, 'the beaconed exposures');
      await page.goto(pages.url);
    });
  },
);

describe('the OpenFeature web provider', () => {
  it('resolves typed values with reasons and error codes, follows context changes and live updates, tracks', async () => {
    const provider = new PennonWebProvider({ clientKey, url: server.url, storage: null });
    await OpenFeature.setProviderAndWait('pennon-web', provider, { targetingKey: 'of-1', plan: 'pro' });
    const client = OpenFeature.getClient('pennon-web');
    const banner = client.getStringDetails('banner', 'fallback');
    expect(banner).toMatchObject({ reason: 'TARGETING_MATCH', flagMetadata: { reason: 'TARGETING_MATCH' } });
    expect(banner.value).toBe((await serverFlags({ identifier: 'of-1' })).banner?.value);
    expect(client.getBooleanDetails('dark_mode', true)).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(client.getBooleanDetails('nope', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getNumberDetails('banner', 3)).toMatchObject({ value: 3, errorCode: 'TYPE_MISMATCH' });

    await OpenFeature.setContext('pennon-web', { targetingKey: 'of-2', plan: 'free' });
    expect(client.getStringValue('banner', 'fallback')).toBe(
      (await serverFlags({ identifier: 'of-2' })).banner?.value,
    );

    let changed = 0;
    client.addHandler(ProviderEvents.ConfigurationChanged, () => changed++);
    await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, {
      value: 'via stream',
    });
    await eventually(() => client.getStringValue('banner', '') === 'via stream', 'the live update');
    expect(changed).toBeGreaterThan(0);

    client.track('of_signup', { value: 1, source: 'web' });
    await OpenFeature.clearProviders();
    expect(stored('events', 'of-2')).toBe(1);
  });
});
