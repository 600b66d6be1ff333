import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser.js';
import type { E2eServer } from './server.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shots = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface ConsoleSession {
  browser: Browser;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /**
   * axe-core on the page as it stands (no serious or critical violation), then a screenshot.
   * `within` checks one part only, e.g. an open dialog, whose dimmed backdrop was checked undimmed.
   */
  checkScreen(name: string, within?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A person invited as organisation admin, who accepted with a password and signed in through
 * the console's own form, in headless Chromium under the server's CSP.
 */
export async function signedInConsole(
  server: E2eServer,
  person = { email: 'grace@example.com', name: 'Grace', password: 'correct horse battery staple' },
): Promise<ConsoleSession> {
  const invitation = await server.admin('POST', '/invitations', {
    email: person.email,
    organisation_role: 'admin',
  });
  const accepted = await fetch(`${server.url}/api/admin/v1/auth/accept-invitation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: invitation.token, name: person.name, password: person.password }),
  });
  expect(accepted.status).toBe(200);
  const browser = await launchChromium();
  // Reduced motion: dialogs open at once, so axe never measures colours halfway through a fade.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  // Under the test's own timeout, so a failure names the locator it waited for.
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  fs.mkdirSync(shots, { recursive: true });
  await page.goto(`${server.url}/`);
  await page.getByLabel('Email').fill(person.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(person.password);
  await page.getByRole('textbox', { name: 'Password' }).press('Enter');
  await page.getByRole('heading', { name: 'Flags' }).waitFor();
  return {
    browser,
    page,
    problems,
    async checkScreen(name: string, within?: string) {
      // Through DevTools, not a <script>: the console's CSP rightly refuses inline scripts.
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async (selector) => {
        // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page at run time.
        const result = await (window as any).axe.run(selector ?? document);
        type Node = { target: string[]; failureSummary?: string };
        return (result.violations as { id: string; impact: string; nodes: Node[] }[])
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}) at ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('; ')}`,
          );
      }, within);
      expect(violations, name).toEqual([]);
      await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
    },
    close: () => browser.close(),
  };
}
