import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailableReason, launchChromium } from './support/browser.js';
import { type E2eServer, startE2eServer } from './support/server.js';

const skip = browserUnavailableReason();

// Issue #7, point 11: every response carries a Content-Security-Policy; the docs page must
// still work under it, which only a browser can say.
(skip ? describe.skip : describe)(
  skip ? `/api/docs under the CSP (skipped: ${skip})` : '/api/docs under the CSP, in Chromium',
  () => {
    let server: E2eServer;
    let browser: Browser;

    beforeAll(async () => {
      server = await startE2eServer();
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('renders every operation with no CSP violation, no console error and no failed request', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`request: ${request.url()}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
        });
      });

      const response = await page.goto(`${server.url}/api/docs`);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
      expect(await page.locator('.info .title').textContent()).toContain('Pennon API');
      expect(await page.locator('.opblock').count()).toBeGreaterThan(50);

      // Try it out sends a real request from the page: connect-src must allow it.
      await page.locator('.opblock-summary-path', { hasText: '/health' }).first().click();
      await page.getByRole('button', { name: 'Try it out' }).first().click();
      await page.getByRole('button', { name: 'Execute' }).first().click();
      const status = page.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor({ timeout: 10_000 });
      expect(await status.textContent()).toContain('200');
      expect(problems).toEqual([]);
    }, 60_000);
  },
);
