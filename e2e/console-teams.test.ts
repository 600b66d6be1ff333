import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailableReason } from './support/browser.js';
import {
  type ConsoleBrowser,
  checkScreen,
  createPerson,
  openConsoleBrowser,
  type Person,
  selectInput,
  signIn,
} from './support/console.js';
import { type E2eServer, startE2eServer } from './support/server.js';

// Issue #11, part B: the console for a team. Roles decide what is editable (the same table the
// API enforces), a protected environment changes only through a change request reviewed by
// someone else, the audit log shows who changed what, and people join by invitation, all
// through the UI of a real server in Chromium, each new screen checked with axe-core.
const skip = browserUnavailableReason();
const ada: Person = { email: 'ada@example.com', name: 'Ada', password: 'correct horse battery staple' };
const bob: Person = { email: 'bob@example.com', name: 'Bob', password: 'another long passphrase' };
const vic: Person = { email: 'vic@example.com', name: 'Vic', password: 'viewer passphrase 42' };
const FLAG = 'banner_text';

/** The input of a Mantine Select by its label (its listbox carries the same label). */

(skip ? describe.skip : describe)(
  skip ? `console for teams (skipped: ${skip})` : 'the web console for a team, in Chromium',
  () => {
    let server: E2eServer;
    let chromium: ConsoleBrowser;
    let development: { projectId: string; environmentId: string; clientKey: string };
    let adaPage: Page;
    let requestUrl: string;

    beforeAll(async () => {
      server = await startE2eServer();
      development = await server.development();
      await createPerson(server, ada);
      await createPerson(server, bob);
      await createPerson(server, vic, {
        organisation_role: 'member',
        projects: [{ project_id: development.projectId, role: 'viewer' }],
      });
      await server.admin('POST', `/projects/${development.projectId}/features`, {
        key: FLAG,
        type: 'string',
      });
      await server.admin('PATCH', `/environments/${development.environmentId}/feature-states/${FLAG}`, {
        enabled: true,
        value: 'Welcome',
      });
      chromium = await openConsoleBrowser();
    }, 60_000);
    afterAll(async () => {
      await chromium?.close();
      await server?.close();
    });

    const flagUrl = () =>
      `${server.url}/p/${development.projectId}/e/${development.environmentId}/flags/${FLAG}`;

    it('shows a viewer every control disabled with the role it needs, and the API refuses them too', async () => {
      const page = await chromium.newPage();
      await signIn(page, server, vic);
      expect(await page.getByRole('button', { name: 'New flag' }).getAttribute('aria-disabled')).toBe('true');
      expect(await page.getByRole('switch', { name: `${FLAG} in Development` }).isDisabled()).toBe(true);
      // Screens a viewer may not read are not offered at all; the audit log is, for their projects.
      expect(await page.getByRole('link', { name: 'People' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(1);

      await page.goto(flagUrl());
      const card = page.getByRole('region', { name: 'Development', exact: true });
      await card.getByText(/Read only\. .*project role admin or editor/).waitFor();
      expect(await card.getByLabel('Value (string)').isDisabled()).toBe(true);
      const save = card.getByRole('button', { name: 'Save Development' });
      expect(await save.getAttribute('aria-disabled')).toBe('true');
      await save.hover();
      await page
        .getByRole('tooltip')
        .getByText(/needs the project role admin or editor/)
        .waitFor();
      // Deleting is refused before the click too, naming the role and the project (not its id).
      const remove = page.getByRole('button', { name: 'Delete flag' });
      expect(await remove.getAttribute('aria-disabled')).toBe('true');
      expect(await remove.getAttribute('aria-description')).toMatch(
        /needs the project role admin or editor in project 'Default project' \(you are viewer\)/,
      );
      await remove.press('Enter');
      // Checked after the screen check, by which time a dialog the key press opened would be up.
      await checkScreen(page, 'teams-viewer-flag');
      expect(await page.getByRole('dialog').count()).toBe(0);

      // The session itself is refused by the API, whatever the page shows.
      const refused = await page.evaluate(
        async ({ environmentId, flag }) => {
          const me = await (await fetch('/api/admin/v1/auth/me')).json();
          const response = await fetch(`/api/admin/v1/environments/${environmentId}/feature-states/${flag}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
            body: JSON.stringify({ value: 'Hacked' }),
          });
          return { status: response.status, body: await response.json() };
        },
        { environmentId: development.environmentId, flag: FLAG },
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      // Chromium logs the refused request; it is the one this test made, not a fault of the console.
      await expect.poll(() => chromium.problems.filter((p) => p.includes('403')).length).toBe(1);
      chromium.problems.splice(
        chromium.problems.findIndex((p) => p.includes('403')),
        1,
      );
      const state = await server.admin(
        'GET',
        `/environments/${development.environmentId}/feature-states/${FLAG}`,
      );
      expect(state.value).toBe('Welcome');
      await page.context().close();
    });

    it('lets a project admin protect an environment', async () => {
      adaPage = await chromium.newPage();
      await signIn(adaPage, server, ada);
      await adaPage.getByRole('link', { name: 'Change requests' }).click();
      await adaPage.getByRole('heading', { name: 'Change requests in Development' }).waitFor();
      await adaPage.getByText('Development is not protected').waitFor();
      await adaPage.getByLabel('Approvals required').fill('1');
      await adaPage.getByRole('button', { name: 'Protect environment' }).click();
      await adaPage.getByText(/Development is protected: flag changes need 1 approval/).waitFor();
      const environment = await server.admin('GET', `/environments/${development.environmentId}`);
      expect(environment.requires_approval).toBe(1);
      await checkScreen(adaPage, 'teams-change-requests');
    });

    it('turns Save into Propose change on the protected environment, showing the diff first', async () => {
      await adaPage.goto(flagUrl());
      const card = adaPage.getByRole('region', { name: 'Development', exact: true });
      await card.getByText(/Development is protected|development is protected/).waitFor();
      expect(await card.getByRole('button', { name: 'Save Development' }).count()).toBe(0);
      await card.getByLabel('Value (string)').fill('Summer sale');
      await card.getByRole('button', { name: 'Propose change to Development' }).click();
      const dialog = adaPage.getByRole('dialog', { name: 'Propose a change to Development' });
      const diff = dialog.getByRole('table');
      await diff.getByRole('row', { name: /Value "Welcome" "Summer sale"/ }).waitFor();
      expect(await diff.getByRole('row').count()).toBe(2);
      await checkScreen(adaPage, 'teams-propose');
      await dialog.getByLabel('Title').fill('Summer banner');
      await dialog.getByRole('button', { name: 'Propose change', exact: true }).click();
      const proposed = adaPage.getByRole('status').getByRole('link', { name: 'Summer banner' });
      await proposed.waitFor();
      requestUrl = `${server.url}${await proposed.getAttribute('href')}`;
      // Nothing changed yet: the SDKs still get the old value.
      const state = await server.admin(
        'GET',
        `/environments/${development.environmentId}/feature-states/${FLAG}`,
      );
      expect(state.value).toBe('Welcome');

      // The author sees the request but cannot approve it, only cancel it.
      await proposed.click();
      await adaPage.getByRole('heading', { name: 'Summer banner' }).waitFor();
      await adaPage.getByRole('button', { name: 'Cancel request' }).waitFor();
      expect(await adaPage.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    });

    it('lets a second person approve and commit it in the UI, and the SDK API serves the new value', async () => {
      const page = await chromium.newPage();
      await signIn(page, server, bob);
      await page.getByRole('link', { name: 'Change requests' }).click();
      await selectInput(page, 'Status').click();
      await page.getByRole('option', { name: 'open' }).click();
      await page.getByRole('link', { name: 'Summer banner' }).click();
      expect(page.url()).toBe(requestUrl);
      await page.getByText(/Proposed by Ada/).waitFor();
      await page
        .getByRole('table', { name: /now and proposed/ })
        .getByText('"Summer sale"')
        .waitFor();
      await checkScreen(page, 'teams-change-request');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('approved', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Commit' }).click();
      await page.getByText('committed', { exact: true }).waitFor();

      const flags = await fetch(`${server.url}/api/v1/flags/`, {
        headers: { 'X-Environment-Key': development.clientKey },
      });
      expect(flags.status).toBe(200);
      const banner = (
        (await flags.json()) as { feature: { name: string }; feature_state_value: unknown }[]
      ).find((f) => f.feature.name === FLAG);
      expect(banner?.feature_state_value).toBe('Summer sale');
      await page.context().close();
    });

    it('shows the change in the audit log with its before and after', async () => {
      await adaPage.getByRole('link', { name: 'Audit log' }).click();
      await adaPage.getByRole('heading', { name: 'Audit log' }).waitFor();
      await selectInput(adaPage, 'Resource type').click();
      await adaPage.getByRole('option', { name: 'feature_state' }).click();
      expect(adaPage.url()).toContain('resource_type=feature_state');
      const newest = adaPage
        .getByRole('button', { name: new RegExp(`update feature state ${FLAG}`) })
        .first();
      await newest.click();
      const diff = adaPage.getByRole('table', { name: `feature_state ${FLAG}: before and after` }).first();
      await diff.getByRole('row', { name: /value changed "Welcome" "Summer sale"/ }).waitFor();
      await checkScreen(adaPage, 'teams-audit');

      // The flag's own history tells the same story.
      await adaPage.goto(flagUrl());
      await adaPage.getByRole('heading', { name: 'History' }).waitFor();
      await adaPage
        .getByRole('button', { name: /update feature state banner_text in Development/ })
        .first()
        .waitFor();
    });

    it('invites someone, shows the link once, and the invitee joins through the UI', async () => {
      await adaPage.getByRole('link', { name: 'People' }).click();
      await adaPage.getByRole('heading', { name: 'People' }).waitFor();
      await adaPage.getByRole('cell', { name: 'bob@example.com', exact: true }).waitFor();
      await adaPage.getByRole('button', { name: 'Invite someone' }).click();
      const dialog = adaPage.getByRole('dialog', { name: 'Invite someone' });
      await dialog.getByLabel('Email').fill('cy@example.com');
      await dialog.getByLabel('Organisation role', { exact: true }).and(adaPage.locator('input')).click();
      await adaPage.getByRole('option', { name: 'admin' }).click();
      await dialog.getByRole('button', { name: 'Create invitation' }).click();
      const link = (await dialog.locator('code').textContent()) ?? '';
      expect(link).toMatch(/\/accept-invitation#token=/);
      await checkScreen(adaPage, 'teams-invite');
      await dialog.getByRole('button', { name: 'I have copied it' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await adaPage.getByRole('cell', { name: 'cy@example.com', exact: true }).waitFor();
      await checkScreen(adaPage, 'teams-people');

      const page = await chromium.newPage();
      await page.goto(link);
      await page.getByRole('heading', { name: 'Join Pennon' }).waitFor();
      await checkScreen(page, 'teams-accept-invitation');
      await page.getByLabel('Your name').fill('Cy');
      await page.getByLabel(/^Choose a password/).fill('a fresh passphrase');
      await page.getByRole('button', { name: 'Join and sign in' }).click();
      await page.getByRole('heading', { name: 'Flags' }).waitFor();
      await page.getByText('Cy', { exact: true }).waitFor();
      const users = await server.admin('GET', '/users');
      expect(users.items.map((u: { email: string }) => u.email)).toContain('cy@example.com');
      await page.context().close();
      expect(chromium.problems.filter((p) => !p.includes('401'))).toEqual([]);
    });
  },
);
