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

// Issue #11: on a protected environment every change the flag page makes to segment overrides
// (add, value, on/off, remove, reorder) is proposed as one change request, its diff shown
// first; another person approves and commits it and the SDK answer changes. The author revises
// a pending request and its approvals start over. Copying a flag's overrides to a protected
// environment goes through a request too. Real server, Chromium, axe-core on each screen.
const skip = browserUnavailableReason();
const ada: Person = { email: 'ada@example.com', name: 'Ada', password: 'correct horse battery staple' };
const bob: Person = { email: 'bob@example.com', name: 'Bob', password: 'another long passphrase' };
const FLAG = 'checkout_color';

/** The input of a Mantine Select by its label (its listbox carries the same label). */

(skip ? describe.skip : describe)(
  skip
    ? `segment overrides on a protected environment (skipped: ${skip})`
    : 'segment overrides on a protected environment, in Chromium',
  () => {
    let server: E2eServer;
    let chromium: ConsoleBrowser;
    let development: { projectId: string; environmentId: string; clientKey: string };
    let production: { id: string };
    let adaPage: Page;
    let bobPage: Page;
    let requestUrl: string;
    const segments: Record<string, string> = {};

    /**
     * What the Flagsmith API serves a transient user with these traits in development: the
     * value, or "off" when the flag is disabled for them.
     */
    async function served(traits: Record<string, string>): Promise<unknown> {
      const response = await fetch(`${server.url}/api/v1/identities/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Environment-Key': development.clientKey },
        body: JSON.stringify({
          identifier: `user-${Object.values(traits).join('-')}`,
          transient: true,
          traits: Object.entries(traits).map(([trait_key, trait_value]) => ({ trait_key, trait_value })),
        }),
      });
      expect(response.status).toBe(200);
      type Flag = { feature: { name: string }; enabled: boolean; feature_state_value: unknown };
      const flag = ((await response.json()) as { flags: Flag[] }).flags.find((f) => f.feature.name === FLAG);
      return flag?.enabled ? flag.feature_state_value : 'off';
    }

    /** Bob, on the request's page: approves it, then commits it. */
    async function approveAndCommit(url: string) {
      await bobPage.goto(url);
      await bobPage.getByText(/Proposed by Ada/).waitFor();
      await bobPage.getByRole('button', { name: 'Approve', exact: true }).click();
      await bobPage.getByText('approved', { exact: true }).waitFor();
      await bobPage.getByRole('button', { name: 'Commit', exact: true }).click();
      await bobPage.getByText('committed', { exact: true }).waitFor();
    }

    beforeAll(async () => {
      server = await startE2eServer();
      development = await server.development();
      const environments = await server.admin('GET', `/projects/${development.projectId}/environments`);
      production = environments.items.find((e: { key: string }) => e.key === 'production');
      await createPerson(server, ada);
      await createPerson(server, bob);
      await server.admin('POST', `/projects/${development.projectId}/features`, {
        key: FLAG,
        type: 'string',
      });
      for (const [name, property] of [
        ['beta', 'plan'],
        ['staff', 'role'],
      ]) {
        const segment = await server.admin('POST', `/projects/${development.projectId}/segments`, {
          name,
          rules: [{ type: 'ALL', conditions: [{ property, operator: 'EQUAL', value: name }] }],
        });
        segments[name] = segment.id;
      }
      for (const environment of [development.environmentId, production.id])
        await server.admin('PATCH', `/environments/${environment}/feature-states/${FLAG}`, {
          enabled: true,
          value: 'blue',
        });
      await server.admin('POST', `/environments/${development.environmentId}/segment-overrides`, {
        segment_id: 'staff',
        feature_id: FLAG,
        enabled: true,
        value: 'red',
        priority: 0,
      });
      await server.admin('PATCH', `/environments/${development.environmentId}`, { requires_approval: 1 });
      chromium = await openConsoleBrowser();
      adaPage = await chromium.newPage();
      await signIn(adaPage, server, ada);
      bobPage = await chromium.newPage();
      await signIn(bobPage, server, bob);
    }, 60_000);
    afterAll(async () => {
      await chromium?.close();
      await server?.close();
    });

    const flagUrl = () =>
      `${server.url}/p/${development.projectId}/e/${development.environmentId}/flags/${FLAG}`;
    const overridesOf = () =>
      server.admin('GET', `/environments/${development.environmentId}/segment-overrides?feature_id=${FLAG}`);

    it('gathers override edits on the protected environment and shows their diff before proposing', async () => {
      await adaPage.goto(flagUrl());
      const section = adaPage.getByRole('region', { name: 'Segment overrides in Development' });
      await section.getByText(/Edits here are gathered and proposed together/).waitFor();
      await selectInput(adaPage, 'Add an override for segment').click();
      await adaPage.getByRole('option', { name: 'beta' }).click();
      await section.getByLabel('Served to the segment (string)').fill('gold');
      await section.getByRole('button', { name: 'Add override' }).click();
      await section.getByRole('button', { name: 'Move beta up' }).click();
      const staffValue = section.getByLabel('Value for staff');
      await staffValue.fill('crimson');
      await staffValue.press('Enter');
      await section.getByText('2 override changes not proposed yet.').waitFor();
      // The table shows the draft in its new order; nothing is stored yet.
      const rows = section.getByRole('row');
      await expect.poll(() => rows.nth(1).textContent()).toContain('beta');
      expect((await overridesOf()).items).toHaveLength(1);

      await section.getByRole('button', { name: 'Review and propose override changes' }).click();
      const dialog = adaPage.getByRole('dialog', { name: 'Propose a change to Development' });
      const beta = dialog.getByRole('table', { name: 'Override for segment beta: now and proposed' });
      await beta.getByRole('row', { name: /value added "gold"/ }).waitFor();
      await beta.getByRole('row', { name: /priority added 0/ }).waitFor();
      const staff = dialog.getByRole('table', { name: 'Override for segment staff: now and proposed' });
      await staff.getByRole('row', { name: /value changed "red" "crimson"/ }).waitFor();
      await staff.getByRole('row', { name: /priority changed 0 10/ }).waitFor();
      await checkScreen(adaPage, 'protected-overrides-propose', '[role=dialog]');
      await dialog.getByLabel('Title').fill('Beta gets gold');
      await dialog.getByRole('button', { name: 'Propose change', exact: true }).click();
      const proposed = section.getByRole('link', { name: 'Beta gets gold' });
      await proposed.waitFor();
      requestUrl = `${server.url}${await proposed.getAttribute('href')}`;
      await section.getByText('No override edits to propose.').waitFor();
      await checkScreen(adaPage, 'protected-overrides');

      expect(await served({ plan: 'beta' })).toBe('blue');
      expect(await served({ role: 'staff' })).toBe('red');
    });

    it('changes what the SDK serves once another person approves and commits it', async () => {
      await approveAndCommit(requestUrl);
      await checkScreen(bobPage, 'protected-overrides-committed');
      expect(await served({ plan: 'beta' })).toBe('gold');
      expect(await served({ role: 'staff' })).toBe('crimson');
      // Both segments: beta now comes first.
      expect(await served({ plan: 'beta', role: 'staff' })).toBe('gold');
    });

    it('lets the author revise a pending request, and the approvals given start over', async () => {
      await adaPage.goto(flagUrl());
      const section = adaPage.getByRole('region', { name: 'Segment overrides in Development' });
      await section.getByRole('button', { name: 'Remove override for staff' }).click();
      await section.getByRole('button', { name: 'Review and propose override changes' }).click();
      const dialog = adaPage.getByRole('dialog', { name: 'Propose a change to Development' });
      await dialog
        .getByRole('table', { name: 'Override for segment staff: now and proposed' })
        .getByRole('row', { name: /value removed "crimson"/ })
        .waitFor();
      await dialog.getByLabel('Title').fill('Drop staff');
      await dialog.getByRole('button', { name: 'Propose change', exact: true }).click();
      const proposed = section.getByRole('link', { name: 'Drop staff' });
      await proposed.waitFor();
      const dropUrl = `${server.url}${await proposed.getAttribute('href')}`;

      await bobPage.goto(dropUrl);
      await bobPage.getByRole('button', { name: 'Approve', exact: true }).click();
      await bobPage.getByText('approved', { exact: true }).waitFor();

      await adaPage.goto(dropUrl);
      await adaPage.getByText(/revision 1 · 1 of 1 approval/).waitFor();
      await adaPage.getByRole('button', { name: 'Revise' }).click();
      const revise = adaPage.getByRole('dialog', { name: 'Revise Drop staff' });
      await revise.getByLabel('Title').fill('Turn staff off');
      const turnOff = [{ kind: 'segment_override', segment: segments.staff, feature: FLAG, enabled: false }];
      await revise.getByLabel('Changes (JSON, as the API takes them)').fill(JSON.stringify(turnOff, null, 2));
      await revise.getByText('This makes revision 2').waitFor();
      await revise.getByText(/The approval given so far is withdrawn/).waitFor();
      await revise
        .getByRole('table', { name: 'Changes: revision 1 and revised' })
        .getByRole('row', { name: /\[0\]\.enabled added false/ })
        .waitFor();
      await checkScreen(adaPage, 'change-request-revise', '[role=dialog]');
      await revise.getByRole('button', { name: 'Save revision' }).click();
      await revise.waitFor({ state: 'hidden' });
      await adaPage.getByRole('heading', { name: 'Turn staff off', exact: true }).waitFor();
      await adaPage.getByText(/revision 2 · 0 of 1 approval/).waitFor();
      await adaPage
        .getByRole('table', { name: /now and proposed/ })
        .getByRole('row', { name: /enabled changed true false/ })
        .waitFor();
      // The history keeps each revision: the update names what it replaced.
      const history = adaPage.getByRole('region', { name: 'Revisions and reviews' });
      await history.getByRole('button', { name: /update change request Turn staff off/ }).click();
      await history.getByRole('row', { name: /revision changed 1 2/ }).waitFor();
      await history.getByRole('button', { name: /approve change request Drop staff/ }).waitFor();
      await checkScreen(adaPage, 'change-request-revised');

      const stored = await server.admin(
        'GET',
        `/environments/${development.environmentId}/change-requests/${dropUrl.split('/').pop()}`,
      );
      expect({ revision: stored.revision, status: stored.status, approvals: stored.approvals }).toEqual({
        revision: 2,
        status: 'open',
        approvals: [],
      });
      await approveAndCommit(dropUrl);
      expect(await served({ role: 'staff' })).toBe('off');
    });

    it('copies a flag with its segment overrides to the protected environment through a request', async () => {
      await server.admin('POST', `/environments/${production.id}/segment-overrides`, {
        segment_id: 'beta',
        feature_id: FLAG,
        enabled: true,
        value: 'violet',
        priority: 5,
      });
      await adaPage.goto(`${server.url}/p/${development.projectId}/e/${production.id}/compare`);
      await adaPage.getByRole('heading', { name: 'Compare environments' }).waitFor();
      const row = adaPage.getByRole('row', { name: new RegExp(FLAG) });
      await row.getByText('segment "staff": only in the second').waitFor();
      await row.getByRole('button', { name: `Copy ${FLAG} to Development` }).click();
      const dialog = adaPage.getByRole('dialog');
      await dialog.getByText('Development needs approval for every change.', { exact: false }).waitFor();
      await dialog.getByRole('button', { name: 'Propose the copy' }).click();
      // The notice links to the request it made.
      const link = adaPage.getByRole('status').getByRole('link', { name: /^change request \w+$/ });
      const id = /change request (\w+)/.exec((await link.textContent()) ?? '')?.[1];
      const href = await link.getAttribute('href');
      expect(href).toBe(`/p/${development.projectId}/e/${development.environmentId}/change-requests/${id}`);
      expect(await served({ plan: 'beta' })).toBe('gold');

      const request = await server.admin(
        'GET',
        `/environments/${development.environmentId}/change-requests/${id}`,
      );
      expect(request.diff.map((d: { target: string }) => d.target)).toEqual([
        `feature '${FLAG}'`,
        `the override of feature '${FLAG}' for segment 'staff'`,
        `the override of feature '${FLAG}' for segment 'beta'`,
      ]);
      // Approved where the notice's link leads.
      await approveAndCommit(`${server.url}${href}`);
      expect(await served({ plan: 'beta' })).toBe('violet');
      expect(await served({ role: 'staff' })).toBe('blue');
      const overrides = (await overridesOf()).items as { segment_id: string; priority: number }[];
      expect(overrides.map((o) => [o.segment_id, o.priority])).toEqual([[segments.beta, 5]]);
      // Each page asked for its session before signing in: those 401s are the sign-in screen's.
      expect(chromium.problems.filter((p) => !p.includes('401'))).toEqual([]);
    });
  },
);
