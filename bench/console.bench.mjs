// The console's flag list at project scale (issue #11): a `pennon serve` process with 2,000
// flags seeded through the admin API, the built console opened in headless Chromium, signed in
// through the session API. Reports, as the browser sees them (performance.now() in the page,
// changes awaited on animation frames, so each figure is within a frame or so):
//   - navigation → flag list interactive (first rows visible, the search field enabled);
//   - a search typed (the input event) → the list shows the matches;
//   - a filter toggled (state "On", from the pointerdown) → the list updated, and back to all 2,000;
//   - the JavaScript of that first load, gzipped, against the 250 KB budget.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { fmtInt, table } from './report.mjs';
import { startServerProcess, stopServerProcess } from './server-process.mjs';

const CHROMIUM = process.env.PENNON_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN_TOKEN = 'pat_bench-console-token-0123456789abcdef';
const FLAGS = 2000;
const BUDGET_KB = 250;
const SEED_CONCURRENCY = 8;
const EMAIL = 'bench@example.com';
const PASSWORD = 'a bench passphrase long enough';

export async function runConsoleBenchmark(options = {}) {
  const rounds = options.rounds ?? 3;
  const dataDir = mkdtempSync(join(tmpdir(), 'pennon-bench-console-'));
  const server = await startServerProcess({ dataDir, adminToken: ADMIN_TOKEN });
  let browser;
  try {
    const admin = adminClient(server.url);
    const { projectId, environmentId } = await seed(admin);
    const invitation = await admin('POST', '/invitations', { email: EMAIL, organisation_role: 'admin' });
    await admin('POST', '/auth/accept-invitation', {
      token: invitation.token,
      name: 'Bench',
      password: PASSWORD,
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As e2e/support/browser.ts launches it.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const flagsUrl = `${server.url}/p/${projectId}/e/${environmentId}/flags`;
    const samples = { interactive: [], search: [], filter: [], unfilter: [] };
    let scripts;
    for (let round = 0; round < rounds; round++) {
      // A fresh context each round: cold HTTP cache, so every round is a first load.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const signedIn = await context.request.post(`${server.url}/api/admin/v1/auth/sign-in`, {
        data: { email: EMAIL, password: PASSWORD },
      });
      if (!signedIn.ok()) throw new Error(`sign-in → ${signedIn.status()} ${await signedIn.text()}`);
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const loaded = collectScripts(page);
      const figures = await measure(page, flagsUrl);
      scripts ??= await loaded.done();
      for (const key of Object.keys(samples)) samples[key].push(figures[key]);
      await context.close();
    }

    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const gzipKb = scripts.reduce((sum, s) => sum + s.gzip, 0) / 1024;
    const rawKb = scripts.reduce((sum, s) => sum + s.raw, 0) / 1024;
    const figures = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
    console.log(
      `console: flag list of ${fmtInt(FLAGS)} flags in headless Chromium, median of ${rounds} cold loads`,
    );
    console.log(
      table([
        ['step', 'ms (median)', 'each round'],
        [
          'navigation → list interactive',
          fmtInt(figures.interactive),
          samples.interactive.map(fmtInt).join(' '),
        ],
        ['search typed → matches shown', fmtInt(figures.search), samples.search.map(fmtInt).join(' ')],
        ['filter "On" → list updated', fmtInt(figures.filter), samples.filter.map(fmtInt).join(' ')],
        ['filter back to "Any" → all rows', fmtInt(figures.unfilter), samples.unfilter.map(fmtInt).join(' ')],
      ]),
    );
    const ok = gzipKb <= BUDGET_KB;
    console.log(
      `  first-load JavaScript: ${scripts.length} files, ${rawKb.toFixed(1)} KB raw, ${gzipKb.toFixed(1)} KB gzipped ` +
        `(budget ${BUDGET_KB} KB: ${ok ? 'within' : 'OVER'})`,
    );
    return {
      name: 'console',
      ok,
      flags: FLAGS,
      rounds,
      ...figures,
      samples,
      jsGzipKb: gzipKb,
      jsRawKb: rawKb,
    };
  } finally {
    await browser?.close();
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function adminClient(url) {
  return async (method, route, body) => {
    const response = await fetch(`${url}/api/admin/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/**
 * 2,000 flags of every type with tags and descriptions, a third of them on in development, so
 * the "On" filter has work to do. Flag keys are `flag-0000`…`flag-1999`.
 */
async function seed(admin) {
  const projectId = (await admin('GET', '/projects')).items[0].id;
  const environments = await admin('GET', `/projects/${projectId}/environments`);
  const environmentId = environments.items.find((e) => e.key === 'development').id;
  const types = ['boolean', 'string', 'number', 'json'];
  let next = 0;
  const worker = async () => {
    while (next < FLAGS) {
      const i = next++;
      const key = `flag-${String(i).padStart(4, '0')}`;
      await admin('POST', `/projects/${projectId}/features`, {
        key,
        type: types[i % types.length],
        description: `Seeded flag number ${i} for the console benchmark`,
        tags: [`team-${i % 12}`, `area-${i % 7}`],
      });
      if (i % 3 === 0) {
        await admin('PATCH', `/environments/${environmentId}/feature-states/${key}`, { enabled: true });
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return { projectId, environmentId };
}

/** Every script the page loads until `done()`, with its size raw and gzipped (as served compressed). */
function collectScripts(page) {
  const pending = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    pending.push(
      response.body().then((body) => ({
        url: response.url(),
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
      })),
    );
  });
  return { done: () => Promise.all(pending) };
}

/**
 * performance.now() in the page on the first animation frame where `check(arg)` holds. Playwright
 * runs `check` through DevTools, so the console's CSP (no eval) does not stand in the way.
 */
async function when(page, check, arg) {
  const handle = await page.waitForFunction(check, arg, { polling: 'raf' });
  return handle.jsonValue();
}

/** In the page: the "N of M flags" line reads `n` first. */
const rowCount = (n) => {
  const line = [...document.querySelectorAll('p')].find((p) => / of \d+ flags$/.test(p.textContent ?? ''));
  return line?.textContent?.startsWith(`${n} of `) ? performance.now() : false;
};

/** In the page: the first flag link is on screen and the search field takes input. */
const listInteractive = () => {
  const link = document.querySelector('a[href*="/flags/"]');
  const label = [...document.querySelectorAll('label')].find((l) => l.textContent === 'Search');
  const input = label && document.getElementById(label.htmlFor);
  const ready = link !== null && link.getBoundingClientRect().height > 0 && input !== null && !input.disabled;
  return ready ? performance.now() : false;
};

/**
 * Notes, in the page, when the next `type` event (input, pointerdown) arrives, so a step is timed
 * from the moment the browser gets the person's action, not from when Playwright starts sending it.
 */
async function armStart(page, type) {
  await page.evaluate((t) => {
    window.__benchStart = undefined;
    document.addEventListener(
      t,
      () => {
        window.__benchStart = performance.now();
      },
      { capture: true, once: true },
    );
  }, type);
}
const started = (page) => page.evaluate(() => window.__benchStart);

async function measure(page, flagsUrl) {
  await page.goto(flagsUrl, { waitUntil: 'commit' });
  // Measured from the navigation's start: performance.now() is 0 there in the new document.
  const interactive = await when(page, listInteractive);

  const search = page.getByLabel('Search');
  await armStart(page, 'input');
  await search.fill('flag-1234');
  const searchEnd = await when(page, rowCount, 1);
  const searchStart = await started(page);

  await search.fill('');
  await when(page, rowCount, FLAGS);
  const on = page.getByText('On', { exact: true });
  await armStart(page, 'pointerdown');
  await on.click();
  const filterEnd = await when(page, rowCount, Math.ceil(FLAGS / 3));
  const filterStart = await started(page);

  const any = page.getByText('Any', { exact: true });
  await armStart(page, 'pointerdown');
  await any.click();
  const unfilterEnd = await when(page, rowCount, FLAGS);
  const unfilterStart = await started(page);

  return {
    interactive,
    search: searchEnd - searchStart,
    filter: filterEnd - filterStart,
    unfilter: unfilterEnd - unfilterStart,
  };
}
