import path from 'node:path';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import type { createClient, Flag, PennonClient } from '@pennon/js';
import { PennonClient as NodeSideClient } from '@pennon/js';
import { PennonWebProvider } from '@pennon/js/openfeature';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../packages/js/src/testing/memory-storage.js';
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

/** What the OpenFeature page's bundle puts on `window`, and what the test keeps there. */
type OpenFeaturePageWindow = Window & {
  OpenFeature: typeof OpenFeature;
  ProviderEvents: typeof ProviderEvents;
  PennonWebProvider: typeof PennonWebProvider;
  readyEvents: number;
  configurationChanges: number;
};

let server: E2eServer;
let environmentId: string;
let clientKey: string;
let bannerId: string;
let ofLiveId: string;

const serverFlags = async (body: object) => {
  const response = await fetch(`${server.url}/api/sdk/v1/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { flags: Record<string, Flag> }).flags;
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
  ofLiveId = (
    await server.admin('POST', `/projects/${projectId}/features`, { key: 'of_live', type: 'boolean' })
  ).id;
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
  const layout = await server.admin('POST', `/projects/${projectId}/features`, {
    key: 'layout',
    type: 'string',
    default_value: 'grid',
  });
  await server.admin('PATCH', `/environments/${environmentId}/feature-states/${layout.id}`, {
    enabled: true,
    variants: [
      { key: 'grid', value: 'grid', weight: 50 },
      { key: 'list', value: 'list', weight: 50 },
    ],
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

    it('the OpenFeature web provider (@openfeature/web-sdk) in the page: ready, typed details, errors, context, live changes, track', async () => {
      const script = await bundle(
        [
          "import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';",
          "import { PennonWebProvider } from '@pennon/js/openfeature';",
          'Object.assign(window, { OpenFeature, ProviderEvents, PennonWebProvider });',
        ].join('\n'),
      );
      const openFeaturePages = await servePages(
        new Map([
          ['/', () => ['text/html', '<!doctype html><title>of</title><script src="/of.js"></script>']],
          ['/of.js', () => ['text/javascript', script]],
        ]),
      );
      const ofPage = await context.newPage();
      try {
        await ofPage.goto(openFeaturePages.url);
        const started = await ofPage.evaluate(
          async ({ clientKey, url }) => {
            const w = window as unknown as OpenFeaturePageWindow;
            w.readyEvents = 0;
            w.configurationChanges = 0;
            const client = w.OpenFeature.getClient('pennon-web');
            client.addHandler(w.ProviderEvents.Ready, () => w.readyEvents++);
            client.addHandler(w.ProviderEvents.ConfigurationChanged, () => w.configurationChanges++);
            const before = client.providerStatus;
            await w.OpenFeature.setProviderAndWait(
              'pennon-web',
              new w.PennonWebProvider({ clientKey, url, storage: null, pollIntervalMs: 3_600_000 }),
              { targetingKey: 'of-web-1', plan: 'free' },
            );
            return { before, after: client.providerStatus };
          },
          { clientKey, url: server.url },
        );
        expect(started).toEqual({ before: 'NOT_READY', after: 'READY' });
        await ofPage.waitForFunction(() => (window as unknown as OpenFeaturePageWindow).readyEvents > 0);

        /** Every resolution the test looks at, made in the page by OpenFeature's own client. */
        const resolve = () =>
          ofPage.evaluate(() => {
            const client = (window as unknown as OpenFeaturePageWindow).OpenFeature.getClient('pennon-web');
            const plain = <T>(details: T) => JSON.parse(JSON.stringify(details)) as T;
            return {
              banner: plain(client.getStringDetails('banner', 'fallback')),
              bannerValue: client.getStringValue('banner', 'fallback'),
              layout: plain(client.getStringDetails('layout', 'none')),
              dark: plain(client.getBooleanDetails('dark_mode', true)),
              darkValue: client.getBooleanValue('dark_mode', true),
              missing: plain(client.getBooleanDetails('no_such_flag', true)),
              mismatch: plain(client.getNumberDetails('banner', 3)),
            };
          });
        const free = await serverFlags({ identifier: 'of-web-1', traits: { plan: 'free' } });
        const first = await resolve();
        expect(first.banner).toMatchObject({
          value: free.banner?.value,
          reason: 'DEFAULT',
          flagMetadata: { reason: free.banner?.reason },
        });
        expect(first.bannerValue).toBe(free.banner?.value);
        const split = free.layout as Flag;
        expect(['grid', 'list']).toContain(split.variant);
        expect(first.layout).toMatchObject({
          value: split.value,
          variant: split.variant,
          reason: 'SPLIT',
          flagMetadata: { reason: split.reason },
        });
        expect(first.dark).toMatchObject({ value: false, reason: 'DEFAULT' });
        expect(first.darkValue).toBe(false);
        expect(first.missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
        expect(first.mismatch).toMatchObject({ value: 3, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });

        // setContext identifies the new user: their values are fetched before it resolves.
        await ofPage.evaluate(() =>
          (window as unknown as OpenFeaturePageWindow).OpenFeature.setContext('pennon-web', {
            targetingKey: 'of-web-2',
            plan: 'pro',
          }),
        );
        const pro = await resolve();
        expect(pro.banner).toMatchObject({ value: 'welcome, pro', reason: 'TARGETING_MATCH' });
        const proLayout = (await serverFlags({ identifier: 'of-web-2', traits: { plan: 'pro' } })).layout as {
          variant: string;
        };
        expect(pro.layout.variant).toBe(proLayout.variant);

        // A live change made in the admin API reaches OpenFeature as PROVIDER_CONFIGURATION_CHANGED.
        const changesBefore = await ofPage.evaluate(
          () => (window as unknown as OpenFeaturePageWindow).configurationChanges,
        );
        const live = () =>
          ofPage.evaluate(() =>
            (window as unknown as OpenFeaturePageWindow).OpenFeature.getClient('pennon-web').getBooleanValue(
              'of_live',
              false,
            ),
          );
        expect(await live()).toBe(false);
        await server.admin('PATCH', `/environments/${environmentId}/feature-states/${ofLiveId}`, {
          enabled: true,
        });
        await ofPage.waitForFunction(
          () =>
            (window as unknown as OpenFeaturePageWindow).OpenFeature.getClient('pennon-web').getBooleanValue(
              'of_live',
              false,
            ),
          null,
          { timeout: 10_000 },
        );
        expect(
          await ofPage.evaluate(() => (window as unknown as OpenFeaturePageWindow).configurationChanges),
        ).toBeGreaterThan(changesBefore);

        // track goes through the provider's event queue; closing the provider flushes it.
        expect(stored('events', 'of-web-2')).toBe(0);
        await ofPage.evaluate(async () => {
          const w = window as unknown as OpenFeaturePageWindow;
          w.OpenFeature.getClient('pennon-web').track('of_web_signup', { value: 2, source: 'web' });
          await w.OpenFeature.clearProviders();
        });
        await eventually(() => stored('events', 'of-web-2') === 1, 'the tracked OpenFeature event');
      } finally {
        await ofPage.close();
        await openFeaturePages.close();
      }
    });
  },
);

describe('the client against the server (run in Node)', () => {
  const options = () => ({ clientKey, url: server.url, stream: false, pollIntervalMs: 3_600_000 });

  it('a bootstrap the server confirms changes nothing: no change event, no new version', async () => {
    const user = { identifier: 'boot-1', traits: { plan: 'pro' } };
    const flags = await serverFlags(user);
    const client = new NodeSideClient({
      ...options(),
      storage: null,
      bootstrap: { flags, user },
    });
    let changes = 0;
    client.on('change', () => changes++);
    const version = client.version;
    try {
      expect(await client.start()).toBe('bootstrap');
      await eventually(() => client.source === 'server', 'the server’s answer');
      expect(changes).toBe(0);
      expect(client.version).toBe(version);
      expect(client.getString('banner', 'x')).toBe('welcome, pro');
    } finally {
      await client.close();
    }
  });

  it('the server’s values are cached: the next client for the user starts from them', async () => {
    const storage = new MemoryStorage();
    const user = { identifier: 'cache-1', traits: { plan: 'pro' } };
    const first = new NodeSideClient({ ...options(), storage, user });
    expect(await first.start()).toBe('server');
    await first.close();
    const second = new NodeSideClient({ ...options(), storage, user });
    try {
      expect(second.source).toBe('cache');
      expect(second.getAllFlags()).toEqual(first.getAllFlags());
      expect(second.getString('banner', 'x')).toBe('welcome, pro');
    } finally {
      await second.close();
    }
  });

  it('identify twice without waiting: the later user’s values are the ones in use', async () => {
    const client = new NodeSideClient({ ...options(), storage: null, user: { identifier: 'race-0' } });
    try {
      await client.start();
      for (let round = 0; round < 5; round++) {
        const pro = client.identify({ identifier: `race-${round}-pro`, traits: { plan: 'pro' } });
        const free = client.identify({ identifier: `race-${round}-free`, traits: { plan: 'free' } });
        await Promise.all([pro, free]);
        expect(client.getUser()?.identifier).toBe(`race-${round}-free`);
        expect(client.getString('banner', 'x')).not.toBe('welcome, pro');
        expect(client.source).toBe('server');
      }
    } finally {
      await client.close();
    }
  });
});

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
