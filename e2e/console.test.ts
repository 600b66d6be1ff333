import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailableReason } from './support/browser.js';
import {
  type ConsoleBrowser,
  checkScreen as checkPage,
  createPerson,
  openConsoleBrowser,
  selectInput,
} from './support/console.js';
import { type E2eServer, startE2eServer } from './support/server.js';

// Issue #11: the console as a user meets it, signed in through the UI with a real session (the
// session API of the teams-auth branch), in Chromium, under the server's CSP. Each screen is
// checked with axe-core and photographed into e2e/screenshots/ (gitignored).
const skip = browserUnavailableReason();
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

(skip ? describe.skip : describe)(
  skip ? `console (skipped: ${skip})` : 'the web console, in Chromium',
  () => {
    let server: E2eServer;
    let chromium: ConsoleBrowser;
    let page: Page;
    let problems: string[];

    beforeAll(async () => {
      server = await startE2eServer();
      // The first user joins as the contract says: an invitation (admin token), accepted with a password.
      await createPerson(server, { email: EMAIL, name: 'Ada', password: PASSWORD });
      chromium = await openConsoleBrowser();
      problems = chromium.problems;
      // Signing in is what the first tests drive, by hand.
      page = await chromium.newPage();
    }, 60_000);
    afterAll(async () => {
      await chromium?.close();
      await server?.close();
    });

    /** axe-core on the page as it stands (or within one part, e.g. an open dialog), then a screenshot. */
    const checkScreen = (name: string, within?: string) => checkPage(page, name, within);

    it('sends a visitor to sign-in, and refuses a wrong password with the server message', async () => {
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: 'Sign in to Pennon' }).waitFor();
      await checkScreen('sign-in');
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBeTruthy();
    });

    it('signs in with the keyboard and lands on the flags of the first environment', async () => {
      await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
      await page.getByRole('textbox', { name: 'Password' }).press('Enter');
      await page.getByRole('heading', { name: 'Flags' }).waitFor();
      expect(page.url()).toMatch(/\/p\/[^/]+\/e\/[^/]+\/flags$/);
      await checkScreen('flags-empty');
    });

    it('creates a flag, toggles it per environment and filters the list', async () => {
      await page.getByRole('button', { name: 'New flag' }).click();
      const dialog = page.getByRole('dialog', { name: 'New flag' });
      await dialog.getByLabel('Key').fill('checkout_color');
      await dialog.getByRole('combobox', { name: 'Type', exact: true }).click();
      await page.getByRole('option', { name: 'string' }).click();
      await dialog.getByLabel('Tags').fill('ui');
      await dialog.getByLabel('Tags').press('Enter');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('link', { name: 'checkout_color' }).waitFor();

      const toggle = page.getByRole('switch', { name: 'checkout_color in Development' });
      await toggle.focus();
      await page.keyboard.press('Space');
      await expect.poll(() => toggle.isChecked()).toBe(true);
      const { environmentId } = await server.development();
      const state = await server.admin('GET', `/environments/${environmentId}/feature-states/checkout_color`);
      expect(state.enabled).toBe(true);

      await page.getByLabel('Search').fill('nothing-matches');
      await page.getByText('No flag matches these filters.').waitFor();
      expect(page.url()).toContain('q=nothing-matches');
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('link', { name: 'checkout_color' }).waitFor();
      await checkScreen('flags');
    });

    it('edits the flag in every environment side by side, refusing weights over 100', async () => {
      await page.getByRole('link', { name: 'checkout_color' }).click();
      await page.getByRole('heading', { name: 'checkout_color' }).waitFor();
      const development = page.getByRole('region', { name: 'Development' });
      await development.getByLabel('Value (string)').fill('blue');
      await development.getByRole('button', { name: 'Add variant' }).click();
      await development.getByRole('button', { name: 'Add variant' }).click();
      await development.getByLabel('Weight').first().fill('80');
      await development.getByLabel('Weight').last().fill('30');
      await development.getByText(/add up to 110%/).waitFor();
      expect(await development.getByRole('button', { name: 'Save Development' }).isDisabled()).toBe(true);
      await development.getByLabel('Weight').last().fill('20');
      await development.getByRole('button', { name: 'Save Development' }).click();
      const { environmentId } = await server.development();
      await expect
        .poll(
          async () =>
            (await server.admin('GET', `/environments/${environmentId}/feature-states/checkout_color`))
              .variants.length,
        )
        .toBe(2);
      await page.getByRole('tab', { name: 'OpenFeature (OFREP)' }).click();
      await page.getByText('/ofrep/v1/evaluate/flags/checkout_color').waitFor();
      await checkScreen('flag');
    });

    it('builds a segment with nested rules and tries a user in the browser', async () => {
      await page.getByRole('link', { name: 'Segments' }).click();
      await page.getByLabel('New segment name').fill('beta users');
      await page.getByRole('button', { name: 'Create segment' }).click();
      // A draft: the server takes a segment only with rules, so nothing is stored yet.
      await page.getByRole('heading', { name: 'Segment beta users' }).waitFor();
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByLabel('Rule 1, condition 1 trait').fill('plan');
      await page.getByLabel('Rule 1, condition 1 value').fill('beta');
      await page.getByRole('button', { name: 'Add nested rule to rule 1' }).click();
      await page.getByLabel('Rule 1.1, condition 1 trait').fill('country');
      await page.getByRole('combobox', { name: 'Rule 1.1, condition 1 operator' }).click();
      await page.getByRole('option', { name: 'is one of' }).click();
      await page.getByLabel('Rule 1.1, condition 1 values, one per line').fill('FR\nDE');
      await page.getByRole('button', { name: 'Save segment' }).click();
      // Saved, the draft becomes the segment's own page, where users can be tried against it.
      await page.waitForURL(/\/segments\/[0-9a-f]{32}$/);
      await page.getByLabel('Traits (key = value, one per line)').fill('plan = beta\ncountry = FR');
      await page.getByText('In the segment', { exact: true }).waitFor();
      await page.getByLabel('Traits (key = value, one per line)').fill('plan = beta\ncountry = US');
      await page.getByText('Not in the segment').waitFor();
      const segments = await server.admin(
        'GET',
        `/projects/${(await server.development()).projectId}/segments`,
      );
      expect(segments.items[0].rules[0].rules[0].conditions[0]).toEqual({
        property: 'country',
        operator: 'IN',
        value: ['FR', 'DE'],
      });
      await checkScreen('segment');
    });

    it('jumps anywhere with Ctrl-K', async () => {
      await page.keyboard.press('Control+K');
      await page.getByLabel('Search the console').fill('checkout');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'checkout_color' }).waitFor();
    });

    it('reorders segment overrides by dragging a row', async () => {
      const { environmentId, projectId } = await server.development();
      for (const [name, plan] of [
        ['drag first', 'gold'],
        ['drag second', 'silver'],
      ]) {
        const segment = await server.admin('POST', `/projects/${projectId}/segments`, {
          name,
          rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: plan }] }],
        });
        await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
          segment_id: segment.id,
          feature_id: 'checkout_color',
          enabled: true,
        });
      }
      await page.reload();
      await page.getByRole('heading', { name: 'checkout_color' }).waitFor();
      const second = page.getByRole('row', { name: /drag second/ });
      await second.dragTo(page.getByRole('row', { name: /drag first/ }));
      const order = async () => {
        const listed = await server.admin(
          'GET',
          `/environments/${environmentId}/segment-overrides?feature_id=checkout_color`,
        );
        const names = new Map(
          (await server.admin('GET', `/projects/${projectId}/segments`)).items.map(
            (segment: { id: string; name: string }) => [segment.id, segment.name],
          ),
        );
        return [...listed.items]
          .sort((a: { priority: number }, b: { priority: number }) => a.priority - b.priority)
          .map((o: { segment_id: string }) => names.get(o.segment_id))
          .filter((name: string) => name.startsWith('drag'));
      };
      await expect.poll(order).toEqual(['drag second', 'drag first']);
    });

    /** Ctrl-K, the query typed once the search field has the focus, and Enter on the first match. */
    async function palette(query: string) {
      await page.keyboard.press('Control+K');
      const search = page.getByLabel('Search the console');
      await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type(query);
      await expect.poll(() => search.inputValue()).toBe(query);
      await page.keyboard.press('Enter');
    }

    /** Presses Tab until the focused element is named `name` (aria-label or label), as a keyboard user would. */
    async function tabTo(name: string, limit = 120) {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement | null;
          if (!el) return '';
          const labelled = el.getAttribute('aria-labelledby');
          const byId = labelled ? document.getElementById(labelled.split(' ')[0] as string)?.textContent : '';
          return el.getAttribute('aria-label') || el.labels?.[0]?.textContent || byId || el.textContent || '';
        });
        if (focused.replace(/\s*\*$/, '').trim() === name) return;
      }
      throw new Error(`Tab never reached "${name}"`);
    }

    it('walks the main flow with the keyboard only: palette, toggle, open, edit, save', async () => {
      const { environmentId } = await server.development();
      await palette('Flags');
      await page.getByRole('heading', { name: 'Flags' }).waitFor();
      await tabTo('checkout_color in Development');
      const before = (
        await server.admin('GET', `/environments/${environmentId}/feature-states/checkout_color`)
      ).enabled;
      await page.keyboard.press('Space');
      await expect
        .poll(
          async () =>
            (await server.admin('GET', `/environments/${environmentId}/feature-states/checkout_color`))
              .enabled,
        )
        .toBe(!before);
      await palette('checkout_color');
      await page.getByRole('heading', { name: 'checkout_color' }).waitFor();
      await tabTo('Value (string)');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('green');
      await tabTo('Save Development');
      await page.keyboard.press('Enter');
      await expect
        .poll(
          async () =>
            (await server.admin('GET', `/environments/${environmentId}/feature-states/checkout_color`)).value,
        )
        .toBe('green');
      await checkScreen('keyboard-flag');
    });

    it("shows who has the flag's overrides, its evaluations by day, and edits its settings", async () => {
      const { environmentId, clientKey } = await server.development();
      await server.admin('POST', `/environments/${environmentId}/identities`, { identifier: 'ada' });
      await server.admin('PUT', `/environments/${environmentId}/identities/ada/overrides/checkout_color`, {
        enabled: true,
        value: 'pink',
      });
      const analytics = await fetch(`${server.url}/api/v1/analytics/flags/`, {
        method: 'POST',
        headers: { 'x-environment-key': clientKey, 'content-type': 'application/json' },
        body: JSON.stringify({ checkout_color: 7 }),
      });
      expect(analytics.status).toBe(200);
      await page.reload();
      const overrides = page.getByRole('region', {
        name: 'Identity overrides and experiments in Development',
      });
      await overrides.getByRole('link', { name: 'ada' }).waitFor();
      await page.getByText('7 in the last 30 days').waitFor();
      await page.getByLabel('Owner').fill('web team');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect
        .poll(async () => (await server.admin('GET', '/features/checkout_color')).owner)
        .toBe('web team');
      await checkScreen('flag-details');
      await overrides.getByRole('button', { name: 'Remove the override of ada' }).click();
      await overrides.getByText('No identity has its own override of checkout_color here.').waitFor();
    });

    it('keeps favourites, filters by owner, and acts on a selection after showing the plan', async () => {
      const { projectId } = await server.development();
      await server.admin('POST', `/projects/${projectId}/features`, {
        key: 'old_banner',
        type: 'boolean',
        tags: ['q3'],
      });
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Flags' }).click();
      await page.reload();
      await page.getByRole('link', { name: 'old_banner' }).waitFor();
      await page.getByRole('button', { name: 'Favourite checkout_color' }).click();
      // The filter lives in the address, so the switch follows the URL: click, then read the URL.
      await page.getByLabel('Favourites only').click();
      await page.getByText('1 of 2 flags').waitFor();
      expect(page.url()).toContain('fav=1');
      await page.getByLabel('Favourites only').click();
      await expect.poll(() => page.url()).not.toContain('fav=1');
      // The visible box over the field takes the click, as it does for a person.
      await page.getByRole('combobox', { name: 'Owners' }).click({ force: true });
      await page.getByRole('option', { name: 'web team' }).click();
      await page.keyboard.press('Escape');
      await page.getByText('1 of 2 flags').waitFor();
      await page
        .getByRole('button', { name: 'Clear filters' })
        .or(page.getByText('1 of 2 flags'))
        .first()
        .waitFor();
      await page.goto(page.url().replace(/\?.*$/, ''));
      await page.getByLabel('Select every flag shown').check();
      await page.getByRole('combobox', { name: 'Action on the selected flags' }).click();
      await page.getByRole('option', { name: 'Add a tag' }).click();
      await page.getByLabel('Tag', { exact: true }).fill('q3');
      await page.getByRole('button', { name: 'Review changes' }).click();
      const dialog = page.getByRole('dialog', { name: 'Review the changes' });
      await dialog.getByText('tag "q3" added').waitFor();
      await dialog.getByText('Unchanged: old_banner.').waitFor();
      await checkScreen('bulk-review', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Apply 1 changes' }).click();
      await expect
        .poll(async () => (await server.admin('GET', '/features/checkout_color')).tags)
        .toContain('q3');

      await page.getByRole('checkbox', { name: 'Select old_banner' }).check();
      await page.getByRole('combobox', { name: 'Action on the selected flags' }).click();
      await page.getByRole('option', { name: 'Archive', exact: true }).click();
      await page.getByRole('button', { name: 'Review changes' }).click();
      await dialog.getByText('archived (keeps evaluating)').waitFor();
      await dialog.getByRole('button', { name: 'Apply 1 changes' }).click();
      await expect.poll(async () => (await server.admin('GET', '/features/old_banner')).archived).toBe(true);
      await page.getByText('1 of 2 flags').waitFor();
      await page.getByLabel('Show archived').click();
      await page.getByText('2 of 2 flags').waitFor();
      await checkScreen('flags-more');
    });

    it('compares environments and copies a flag, as a change request where approval is needed', async () => {
      const { projectId, environmentId } = await server.development();
      const environments = await server.admin('GET', `/projects/${projectId}/environments`);
      const production = environments.items.find((e: { key: string }) => e.key === 'production');
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Compare' }).click();
      await page.getByRole('heading', { name: 'Compare environments' }).waitFor();
      const row = page.getByRole('row', { name: /checkout_color/ });
      await row.getByText('value: "green" → none').waitFor();
      await checkScreen('compare');
      await row.getByRole('button', { name: 'Copy checkout_color to Production' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Only Production changes; identity overrides stay.', { exact: false }).waitFor();
      await dialog.getByRole('button', { name: 'Copy now' }).click();
      await page
        .getByRole('status')
        .getByText('checkout_color in Production is now configured as in Development.')
        .waitFor();
      // The notice names the copy's own environments, whatever the selects show afterwards.
      const choose = async (label: string, name: string) => {
        await selectInput(page, label).click();
        await page.getByRole('option', { name }).click();
      };
      await choose('From', 'Production');
      await page.getByText('Choose two different environments.').waitFor();
      await page
        .getByRole('status')
        .getByText('checkout_color in Production is now configured as in Development.')
        .waitFor();
      await choose('From', 'Development');
      const copied = await server.admin(
        'GET',
        `/environments/${production.id}/feature-states/checkout_color`,
      );
      const source = await server.admin(
        'GET',
        `/environments/${environmentId}/feature-states/checkout_color`,
      );
      expect({ ...copied, id: 0, environment_id: 0, updated_at: 0 }).toEqual({
        ...source,
        id: 0,
        environment_id: 0,
        updated_at: 0,
      });

      await server.admin('PATCH', `/environments/${production.id}`, { requires_approval: 1 });
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/checkout_color`, {
        value: 'teal',
      });
      await page.reload();
      await page
        .getByRole('row', { name: /checkout_color/ })
        .getByRole('button', { name: 'Copy checkout_color to Production' })
        .click();
      await dialog.getByText('Production needs approval for every change.', { exact: false }).waitFor();
      await checkScreen('compare-propose', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Propose the copy' }).click();
      await page
        .getByRole('status')
        .getByText(/Proposed as change request/)
        .waitFor();
      const requests = await server.admin('GET', `/environments/${production.id}/change-requests`);
      expect(requests.items).toHaveLength(1);
      expect(requests.items[0].title).toBe('Copy checkout_color from Development');
      const unchanged = await server.admin(
        'GET',
        `/environments/${production.id}/feature-states/checkout_color`,
      );
      expect(unchanged.value).toBe('green');
    });

    it('creates a server key, shown once', async () => {
      await page.getByRole('link', { name: 'Keys' }).click();
      await page.getByLabel('New server key name').fill('backend');
      await page.getByRole('button', { name: 'Create server key' }).click();
      const shown = await page.getByRole('status').locator('code').textContent();
      expect(shown).toMatch(/^ser\./);
      await checkScreen('keys');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.getByText(shown as string).count()).toBe(0);
    });

    it('signs out, and the session is gone', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Pennon' }).waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/admin/v1/auth/me')).status);
      expect(me).toBe(401);
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    });
  },
);
