import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser.js';
import type { E2eServer } from './server.js';

// The one setup of every console test: people who can sign in, Chromium pages set up alike
// (reduced motion, a default timeout, what went wrong recorded), sign-in through the UI, and
// axe-core plus a screenshot for each screen (into e2e/screenshots/, gitignored).

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shots = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface Person {
  email: string;
  name: string;
  password: string;
}

/** The person of a test that needs one organisation admin and nobody else. */
export const GRACE: Person = {
  email: 'grace@example.com',
  name: 'Grace',
  password: 'correct horse battery staple',
};

/**
 * A user who joined as the contract says: an invitation made with the admin token, accepted
 * with a password over the API. `invitation` is the invitation body beyond the email.
 */
export async function createPerson(
  server: E2eServer,
  person: Person,
  invitation: Record<string, unknown> = { organisation_role: 'admin' },
): Promise<{ id: string }> {
  const created = await server.admin('POST', '/invitations', { email: person.email, ...invitation });
  const accepted = await fetch(`${server.url}/api/admin/v1/auth/accept-invitation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: created.token, name: person.name, password: person.password }),
  });
  expect(accepted.status).toBe(200);
  return (await accepted.json()).user;
}

export interface ConsoleBrowser {
  browser: Browser;
  /** Console errors, page errors and CSP violations seen so far, in order. */
  problems: string[];
  /** A new page (its own cookies) whose problems land in `problems`. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a screenshots folder ready. */
export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const browser = await launchChromium();
  const problems: string[] = [];
  fs.mkdirSync(shots, { recursive: true });
  return {
    browser,
    problems,
    async newPage() {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        // Dialogs open at once, so axe never measures colours halfway through a fade.
        reducedMotion: 'reduce',
      });
      const page = await context.newPage();
      // Under the test's own timeout, so a missing element fails with its locator named.
      page.setDefaultTimeout(10_000);
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
        });
      });
      return page;
    },
    close: () => browser.close(),
  };
}

/** Signs in through the sign-in form and waits for the flags screen. */
export async function signIn(page: Page, server: E2eServer, person: Person): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Sign in to Pennon' }).waitFor();
  await page.getByLabel('Email').fill(person.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Flags' }).waitFor();
}

/**
 * axe-core on the page as it stands: no serious or critical violation; then a screenshot.
 * `within` checks one part only, e.g. an open dialog, whose dimmed backdrop was checked undimmed.
 */
export async function checkScreen(page: Page, name: string, within?: string): Promise<void> {
  // Evaluated through the debugging protocol: the console's CSP (script-src 'self') rightly
  // refuses an inline <script>, and must stay on for the page under test.
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
}

/** One person signed in on one page: what most console tests drive. */
export interface ConsoleSession {
  browser: Browser;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /** `checkScreen` on this session's page. */
  checkScreen(name: string, within?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A person invited as organisation admin, who accepted with a password and signed in through
 * the console's own form, in headless Chromium under the server's CSP.
 */
export async function signedInConsole(server: E2eServer, person: Person = GRACE): Promise<ConsoleSession> {
  await createPerson(server, person);
  const chromium = await openConsoleBrowser();
  const page = await chromium.newPage();
  await signIn(page, server, person);
  return {
    browser: chromium.browser,
    page,
    problems: chromium.problems,
    checkScreen: (name, within) => checkScreen(page, name, within),
    close: chromium.close,
  };
}

/** The input of a Mantine Select by its exact label, within a dialog or the page. */
export const selectInput = (within: Locator | Page, label: string) =>
  within.getByRole('combobox', { name: label, exact: true });
