import { Pennon } from '@pennon/node';
import { PennonProvider } from '@pennon/react';
import type { Browser, Page } from 'playwright-core';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from './fixtures/react-app.js';
import { browserUnavailableReason, bundle, launchChromium, servePages } from './support/browser.js';
import { type E2eServer, startE2eServer } from './support/server.js';

/**
 * `@pennon/react` rendered on the server with values from `@pennon/node`, then hydrated in
 * headless Chromium: the first paint is the server's, hydration changes nothing on screen
 * (no flicker, no hydration mismatch), and live updates re-render the hooks.
 */

const skip = browserUnavailableReason();
const user = { identifier: 'ssr-user', traits: { plan: 'pro' } };

(skip ? describe.skip : describe)(
  skip ? `@pennon/react in Chromium (skipped: ${skip})` : '@pennon/react in Chromium',
  () => {
    let server: E2eServer;
    let node: Pennon;
    let browser: Browser;
    let page: Page;
    let pages: { url: string; close(): Promise<void> };
    let environmentId: string;
    let bannerId: string;
    let clientKey: string;

    beforeAll(async () => {
      server = await startE2eServer();
      const development = await server.development();
      environmentId = development.environmentId;
      clientKey = development.clientKey;
      const feature = (key: string, type: string, extra: object = {}) =>
        server.admin('POST', `/projects/${development.projectId}/features`, { key, type, ...extra });
      bannerId = (await feature('banner', 'string', { default_value: 'server-rendered hello' })).id;
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, {
        enabled: true,
      });
      const dark = await feature('dark_mode', 'boolean');
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/${dark.id}`, {
        enabled: true,
      });
      const checkout = await feature('checkout', 'string', { default_value: 'classic' });
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/${checkout.id}`, {
        enabled: true,
        variants: [
          { key: 'one-page', value: 'one-page', weight: 50 },
          { key: 'express', value: 'express', weight: 50 },
        ],
      });
      const serverKey = (
        await server.admin('POST', `/environments/${environmentId}/server-keys`, { name: 'ssr' })
      ).key;
      node = await Pennon.start({ serverKey, url: server.url });

      const script = await bundle(
        [
          "import { PennonProvider } from '@pennon/react';",
          "import { createElement } from 'react';",
          "import { hydrateRoot } from 'react-dom/client';",
          "import { App } from './e2e/fixtures/react-app.ts';",
          'const w = window as any;',
          'w.recoverable = [];',
          "hydrateRoot(document.getElementById('root'),",
          '  createElement(PennonProvider, { options: w.PENNON_OPTIONS }, createElement(App)),',
          '  { onRecoverableError: (error) => w.recoverable.push(String(error)) });',
        ].join('\n'),
      );
      // Each request renders afresh, with the flags @pennon/node evaluates for the user now.
      const html = () => {
        const options = {
          clientKey,
          url: server.url,
          user,
          bootstrap: { flags: node.getAllFlags(user), user },
        };
        const markup = renderToString(createElement(PennonProvider, { options }, createElement(App)));
        return [
          '<!doctype html><title>ssr</title>',
          `<div id="root">${markup}</div>`,
          // Installed before the bundle runs: records every change React makes to the markup.
          '<script>window.mutations = [];',
          'new MutationObserver((m) => window.mutations.push(...m.map((r) => r.target.textContent)))',
          "  .observe(document.getElementById('root'), { subtree: true, childList: true, characterData: true });",
          `window.PENNON_OPTIONS = ${JSON.stringify(options).replace(/</g, '\\u003c')};</script>`,
          '<script src="/app.js"></script>',
        ].join('\n');
      };
      pages = await servePages(
        new Map([
          ['/', () => ['text/html', html()]],
          ['/app.js', () => ['text/javascript', script]],
        ]),
      );
      browser = await launchChromium();
      page = await (await browser.newContext()).newPage();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await pages?.close();
      await node?.close(1000);
      await server?.close();
    });

    const text = (id: string) => page.locator(`#${id}`).textContent();

    it('hydrates the server-rendered values without a flicker or a mismatch', async () => {
      const expected = node.getAllFlags(user);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      // The first paint, before any script: the server's values.
      await page.goto(pages.url);
      expect(await text('banner')).toBe('server-rendered hello');
      expect(await text('dark')).toBe('dark');
      expect(await text('variant')).toBe(expected.checkout?.variant);
      // Let hydration, the client's own fetch and the stream's first event all happen.
      await page.waitForFunction(
        () => (window as unknown as { recoverable?: unknown[] }).recoverable !== undefined,
      );
      await page.waitForTimeout(1000);
      expect(await page.evaluate(() => (window as unknown as { mutations: unknown[] }).mutations)).toEqual(
        [],
      );
      expect(
        await page.evaluate(() => (window as unknown as { recoverable: unknown[] }).recoverable),
      ).toEqual([]);
      expect(errors).toEqual([]);
      expect(await text('banner')).toBe('server-rendered hello');
    });

    it('re-renders the hooks on a live update', async () => {
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, {
        value: 'updated',
      });
      await page.waitForFunction(() => document.getElementById('banner')?.textContent === 'updated', null, {
        timeout: 10_000,
      });
    });
  },
);
