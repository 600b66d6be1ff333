import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../packages/server/src/webhooks/webhook-signature.js';
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

// Issue #11, the last screens: admin tokens, webhooks with their delivery log, project members
// and server keys, each driven through the UI of a real `pennon serve` in Chromium, with the
// role of the signed-in person deciding what is offered, and axe-core on every screen.
const skip = browserUnavailableReason();
const olive: Person = { email: 'olive@example.com', name: 'Olive', password: 'owner passphrase 1234' };
const mel: Person = { email: 'mel@example.com', name: 'Mel', password: 'project admin passphrase' };
const vic: Person = { email: 'vic@example.com', name: 'Vic', password: 'viewer passphrase 42' };
const cy: Person = { email: 'cy@example.com', name: 'Cy', password: 'not yet in the project' };

/** A receiver of webhook deliveries on loopback: what it got, and it answers 200 with a body. */
interface Receiver {
  url: string;
  received: { path: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('received by the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

(skip ? describe.skip : describe)(
  skip
    ? `console admin screens (skipped: ${skip})`
    : 'admin tokens, webhooks, members and keys in the console',
  () => {
    let server: E2eServer;
    let chromium: ConsoleBrowser;
    let receiver: Receiver;
    let development: { projectId: string; environmentId: string; clientKey: string };
    let production: { id: string; name: string };
    let cyId: string;

    /** Chromium logs each refused request; these are the refusals a test provoked on purpose. */
    const expectRefusals = async (status: number, count: number) => {
      await expect.poll(() => chromium.problems.filter((p) => p.includes(`${status}`)).length).toBe(count);
      for (let i = chromium.problems.length - 1; i >= 0; i--)
        if (chromium.problems[i]?.includes(`${status}`)) chromium.problems.splice(i, 1);
    };
    const newPage = async (person: Person) => {
      const page = await chromium.newPage();
      await signIn(page, server, person);
      // Before signing in the console asks who is there and hears 401: expected, not a fault.
      await expectRefusals(401, 1);
      return page;
    };
    const nav = (page: Page) => page.getByRole('navigation', { name: 'Screens' });
    /** Opens "Add a person", where Cy must be the only one offered, and picks Cy. */
    const chooseCy = async (page: Page) => {
      await page.getByRole('button', { name: 'Add a person' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a person' });
      await selectInput(dialog, 'Person').click();
      const options = page.getByRole('option');
      await expect.poll(() => options.allTextContents()).toEqual(['Cy <cy@example.com>']);
      await options.first().click();
      return dialog;
    };
    const screenUrl = (segment: string) =>
      `${server.url}/p/${development.projectId}/e/${development.environmentId}/${segment}`;

    beforeAll(async () => {
      server = await startE2eServer();
      development = await server.development();
      const environments = await server.admin('GET', `/projects/${development.projectId}/environments`);
      production = environments.items.find((e: { key: string }) => e.key === 'production');
      await createPerson(server, olive, { organisation_role: 'owner' });
      await createPerson(server, mel, {
        organisation_role: 'member',
        projects: [{ project_id: development.projectId, role: 'admin' }],
      });
      await createPerson(server, vic, {
        organisation_role: 'member',
        projects: [{ project_id: development.projectId, role: 'viewer' }],
      });
      cyId = (await createPerson(server, cy, { organisation_role: 'member' })).id;
      receiver = await startReceiver();
      chromium = await openConsoleBrowser();
    }, 60_000);
    afterAll(async () => {
      await chromium?.close();
      await receiver?.close();
      await server?.close();
    });

    it('creates an admin token shown once, revokes it, and refuses to revoke the last one', async () => {
      const page = await newPage(olive);
      await nav(page).getByRole('link', { name: 'Admin tokens' }).click();
      await page.getByRole('heading', { name: 'Admin tokens' }).waitFor();
      const bootstrapRow = page.getByRole('row', { name: /bootstrap/ });
      await bootstrapRow.getByRole('cell', { name: 'owner' }).waitFor();
      await checkScreen(page, 'admin-tokens');

      // Keyboard only: focus the button, open the dialog, fill and submit with Enter.
      await page.getByRole('button', { name: 'New admin token' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'New admin token' });
      await dialog.getByLabel('Name').fill('CI deploys');
      await selectInput(dialog, 'Role').click();
      await page.getByRole('option', { name: 'admin' }).click();
      await checkScreen(page, 'admin-tokens-create', '[role=dialog]');
      await dialog.getByLabel('Name').press('Enter');
      await dialog.getByText('Token "CI deploys" created').waitFor();
      const token = (await dialog.locator('code').textContent()) ?? '';
      expect(token).toMatch(/^pat_/);
      await dialog.getByRole('button', { name: 'Copy admin token' }).waitFor();
      await checkScreen(page, 'admin-tokens-created', '[role=dialog]');

      // The token works against the API; once the dialog has closed it is nowhere on the page.
      const asToken = (value: string) =>
        fetch(`${server.url}/api/admin/v1/projects`, { headers: { authorization: `Bearer ${value}` } });
      expect((await asToken(token)).status).toBe(200);
      await dialog.getByRole('button', { name: 'I have copied it' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.getByRole('row', { name: /CI deploys/ });
      await row.getByRole('cell', { name: 'admin', exact: true }).waitFor();
      expect(await page.content()).not.toContain(token);

      // Revoking asks first, then the token is refused at once.
      await row.getByRole('button', { name: 'Revoke token CI deploys' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke token "CI deploys"?' });
      await confirm.getByText(/refused from the next request on/).waitFor();
      await checkScreen(page, 'admin-tokens-revoke', '[role=dialog]');
      await confirm.getByRole('button', { name: 'Revoke token' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await row.waitFor({ state: 'detached' });
      expect((await asToken(token)).status).toBe(401);

      // The last token stays: the dialog shows the server's own refusal and stays open.
      await bootstrapRow.getByRole('button', { name: 'Revoke token bootstrap' }).click();
      const last = page.getByRole('dialog', { name: 'Revoke token "bootstrap"?' });
      await last.getByRole('button', { name: 'Revoke token' }).click();
      await last
        .getByRole('alert')
        .getByText('This is the last admin token of the organisation; create another first.')
        .waitFor();
      await expectRefusals(409, 1);
      await last.getByRole('button', { name: 'Cancel' }).click();
      await bootstrapRow.waitFor();
      expect((await server.admin('GET', '/admin-tokens')).items.map((t: { name: string }) => t.name)).toEqual(
        ['bootstrap'],
      );
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('lets a project admin run webhooks: secret shown once, a test ping arrives signed and shows in the log, edit, pause, delete', async () => {
      const page = await newPage(mel);
      // A project admin who is an organisation member: webhooks and members, not admin tokens.
      await nav(page).getByRole('link', { name: 'Webhooks' }).waitFor();
      expect(await nav(page).getByRole('link', { name: 'Admin tokens' }).count()).toBe(0);
      expect(await nav(page).getByRole('link', { name: 'People' }).count()).toBe(0);
      await nav(page).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await page.getByText('No webhook yet.').waitFor();

      await page.getByRole('button', { name: 'New webhook' }).click();
      const dialog = page.getByRole('dialog', { name: 'New webhook' });
      await dialog.getByLabel('URL').fill(`${receiver.url}/hook`);
      await selectInput(dialog, 'Environment').click();
      await page.getByRole('option', { name: 'Development' }).click();
      await dialog.getByRole('checkbox', { name: 'Everything in the audit log' }).check();
      await checkScreen(page, 'webhooks-create', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Create webhook' }).click();
      await dialog.getByText('Webhook created').waitFor();
      const secret = (await dialog.locator('code').textContent()) ?? '';
      expect(secret.length).toBeGreaterThan(16);
      await dialog.getByRole('button', { name: 'I have copied it' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.content()).not.toContain(secret);

      const row = page.getByRole('row', { name: new RegExp(`${receiver.url}/hook`) });
      await row.getByRole('cell', { name: 'Development' }).waitFor();
      await row.getByText('audit').waitFor();
      await checkScreen(page, 'webhooks');
      const [stored] = (await server.admin('GET', `/projects/${development.projectId}/webhooks`)).items;
      expect(stored).toMatchObject({
        url: `${receiver.url}/hook`,
        environment_id: development.environmentId,
        events: ['flags', 'audit'],
        enabled: true,
      });

      // Send test: the receiver gets a ping signed with the secret shown once, and the log says so.
      await row.getByRole('button', { name: `Open ${receiver.url}/hook` }).click();
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      // Subscribed to the whole audit log, it heard its own creation first.
      const log = page.getByRole('table', { name: 'Deliveries' });
      await log
        .getByRole('row', { name: /webhook\.create/ })
        .getByText('delivered')
        .waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Send test' }).click();
      const pings = () => receiver.received.filter((r) => r.headers['x-pennon-event'] === 'ping');
      await expect.poll(() => pings().length, { timeout: 15_000 }).toBe(1);
      const ping = pings()[0];
      expect(ping?.path).toBe('/hook');
      expect(ping?.headers['x-pennon-event']).toBe('ping');
      const signed = {
        signature: ping?.headers['x-pennon-signature'] as string,
        timestamp: ping?.headers['x-pennon-timestamp'] as string,
      };
      expect(verify(secret, signed, ping?.body ?? '', Math.floor(Date.now() / 1000))).toBe(true);
      const delivered = log.getByRole('row', { name: /ping/ });
      await delivered.getByText('delivered').waitFor({ timeout: 15_000 });
      await delivered.getByRole('cell', { name: '200' }).waitFor();
      await delivered.getByText('received by the e2e receiver').waitFor();
      await delivered.getByRole('cell', { name: '1', exact: true }).waitFor();
      await checkScreen(page, 'webhooks-deliveries');

      // Edit: the form says which fields will change before saving them.
      const settings = page.getByRole('form', { name: 'Webhook settings' });
      await settings.getByLabel('URL').fill(`${receiver.url}/hook2`);
      await settings.getByRole('checkbox', { name: 'Everything in the audit log' }).uncheck();
      await settings.getByText('Saving changes: url, events.').waitFor();
      await settings.getByRole('button', { name: 'Save webhook' }).click();
      await page.getByRole('row', { name: new RegExp(`${receiver.url}/hook2`) }).waitFor();
      await expect
        .poll(async () => (await server.admin('GET', `/webhooks/${stored.id}`)).events)
        .toEqual(['flags']);

      // Pause from the list's switch, by keyboard.
      const enabled = page.getByRole('switch', { name: `Enabled: ${receiver.url}/hook2` });
      await enabled.focus();
      await page.keyboard.press('Space');
      await expect
        .poll(async () => (await server.admin('GET', `/webhooks/${stored.id}`)).enabled)
        .toBe(false);

      // Delete asks first, naming what goes with it.
      // By keyboard: focus starts on Cancel, so a stray Enter destroys nothing.
      await page.getByRole('button', { name: `Delete webhook ${receiver.url}/hook2` }).press('Enter');
      const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
      await confirm.getByText(/its delivery log goes with it/).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Enter');
      await confirm.waitFor({ state: 'hidden' });
      expect((await server.admin('GET', `/projects/${development.projectId}/webhooks`)).items).toHaveLength(
        1,
      );
      await page.getByRole('button', { name: `Delete webhook ${receiver.url}/hook2` }).click();
      await confirm.getByRole('button', { name: 'Delete webhook' }).click();
      await page.getByText('No webhook yet.').waitFor();
      expect((await server.admin('GET', `/projects/${development.projectId}/webhooks`)).items).toEqual([]);

      // Admin tokens are not for a project admin: the screen says so and the button is refused.
      await page.goto(screenUrl('admin-tokens'));
      const create = page.getByRole('button', { name: 'New admin token' });
      await create.waitFor();
      expect(await create.getAttribute('aria-disabled')).toBe('true');
      await page.getByText('Could not load admin tokens').waitFor();
      await expectRefusals(403, 1);
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 90_000);

    it('pages back through a delivery log longer than one page', async () => {
      const webhook = await server.admin('POST', `/projects/${development.projectId}/webhooks`, {
        url: `${receiver.url}/log`,
        events: ['flags'],
      });
      // 51 pings: one more than a page of the log.
      for (let i = 0; i < 51; i++) await server.admin('POST', `/webhooks/${webhook.id}/test`);
      const page = await newPage(olive);
      await nav(page).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('button', { name: `Open ${receiver.url}/log` }).click();
      const log = page.getByRole('table', { name: 'Deliveries' });
      await page.getByText('50 deliveries shown; older ones follow.').waitFor();
      // A header row, then the newest 50.
      expect(await log.getByRole('row').count()).toBe(51);
      await page.getByRole('button', { name: 'Load older deliveries' }).click();
      await page.getByText('51 deliveries shown: the whole log.').waitFor();
      expect(await log.getByRole('row').count()).toBe(52);
      expect(await page.getByRole('button', { name: 'Load older deliveries' }).count()).toBe(0);
      await checkScreen(page, 'webhooks-deliveries-older');
      await server.admin('DELETE', `/webhooks/${webhook.id}`);
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 90_000);

    it('adds a person to the project as an editor limited per environment, changes and removes them', async () => {
      const page = await newPage(olive);
      await nav(page).getByRole('link', { name: 'Project members' }).click();
      await page.getByRole('heading', { name: 'Project members' }).waitFor();
      const melRow = page.getByRole('row', { name: /mel@example.com/ });
      await melRow.getByRole('cell', { name: 'admin' }).waitFor();
      await page
        .getByRole('row', { name: /vic@example.com/ })
        .getByRole('cell', { name: 'viewer' })
        .waitFor();
      await checkScreen(page, 'members');

      // Only organisation members not in the project are offered: Cy, not Olive, Mel or Vic.
      const dialog = await chooseCy(page);
      await selectInput(dialog, 'Project role of cy@example.com').click();
      await page.getByRole('option', { name: /^editor/ }).click();
      await selectInput(dialog, `Access to ${production.name}`).click();
      await page.getByRole('option', { name: 'propose' }).click();
      await checkScreen(page, 'members-add', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Add to project' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const cyRow = page.getByRole('row', { name: /cy@example.com/ });
      await cyRow.getByRole('cell', { name: 'propose' }).waitFor();
      const member = async () =>
        (await server.admin('GET', `/projects/${development.projectId}/members`)).items.find(
          (m: { user_id: string }) => m.user_id === cyId,
        );
      expect(await member()).toMatchObject({ role: 'editor', environments: { [production.id]: 'propose' } });

      // Changing access lists what will change before saving.
      await cyRow.getByRole('button', { name: 'Change access of cy@example.com' }).click();
      const edit = page.getByRole('dialog', { name: 'Access of Cy' });
      await selectInput(edit, 'Access to Development').click();
      await page.getByRole('option', { name: 'view' }).click();
      await edit.getByRole('status').getByText('Development: edit → view').waitFor();
      await checkScreen(page, 'members-edit', '[role=dialog]');
      await edit.getByRole('button', { name: 'Save access' }).click();
      await edit.waitFor({ state: 'hidden' });
      await expect
        .poll(async () => (await member())?.environments)
        .toEqual({ [development.environmentId]: 'view', [production.id]: 'propose' });

      await cyRow.getByRole('button', { name: 'Remove cy@example.com from the project' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove Cy?' });
      await confirm.getByRole('button', { name: 'Remove from project' }).click();
      await cyRow.waitFor({ state: 'detached' });
      expect(await member()).toBeUndefined();
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('lets a project admin who is an ordinary organisation member pick someone to add', async () => {
      const page = await newPage(mel);
      await nav(page).getByRole('link', { name: 'Project members' }).click();
      await page.getByRole('heading', { name: 'Project members' }).waitFor();
      // Mel may not list the organisation's people (GET /users), only whom the project may take.
      const dialog = await chooseCy(page);
      await checkScreen(page, 'members-add-by-project-admin', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Add to project' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page
        .getByRole('row', { name: /cy@example.com/ })
        .getByRole('cell', { name: 'viewer' })
        .waitFor();
      const members = (await server.admin('GET', `/projects/${development.projectId}/members`)).items;
      expect(members.find((m: { user_id: string }) => m.user_id === cyId)).toMatchObject({ role: 'viewer' });
      await server.admin('DELETE', `/projects/${development.projectId}/members/${cyId}`);
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('lists server keys masked, shows a new one once and revokes it after asking', async () => {
      const page = await newPage(olive);
      await nav(page).getByRole('link', { name: 'Keys' }).click();
      await page.getByRole('heading', { name: 'Keys of Development' }).waitFor();
      await page.getByLabel('New server key name').fill('backend');
      await page.getByRole('button', { name: 'Create server key' }).click();
      const created = page.getByRole('status').filter({ hasText: 'Server key "backend" created' });
      const secret = (await created.locator('code').textContent()) ?? '';
      expect(secret.length).toBeGreaterThan(16);
      await created.getByRole('button', { name: 'I have copied it' }).click();
      const row = page.getByRole('row', { name: /backend/ });
      const masked = (await row.locator('code').textContent()) ?? '';
      expect(masked).not.toBe(secret);
      expect(masked.endsWith(secret.slice(-4))).toBe(true);
      expect(await page.content()).not.toContain(secret);
      await checkScreen(page, 'keys');

      await row.getByRole('button', { name: 'Revoke backend' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke server key "backend"?' });
      await confirm.getByRole('button', { name: 'Revoke server key' }).click();
      await row.waitFor({ state: 'detached' });
      expect(
        (await server.admin('GET', `/environments/${development.environmentId}/server-keys`)).items,
      ).toEqual([]);
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows a viewer members read-only and key controls refused with the role they need', async () => {
      await server.admin('POST', `/environments/${development.environmentId}/server-keys`, { name: 'kept' });
      const page = await newPage(vic);
      expect(await nav(page).getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
      expect(await nav(page).getByRole('link', { name: 'Admin tokens' }).count()).toBe(0);
      await nav(page).getByRole('link', { name: 'Project members' }).click();
      await page.getByRole('row', { name: /mel@example.com/ }).waitFor();
      const add = page.getByRole('button', { name: 'Add a person' });
      expect(await add.getAttribute('aria-disabled')).toBe('true');
      // The refusal names the role and the project, as the API's own 403 would.
      await expect
        .poll(() => add.getAttribute('aria-description'))
        .toMatch(/needs the project role admin in project 'Default project' \(you are viewer\)/);
      expect(
        await page
          .getByRole('button', { name: 'Remove mel@example.com from the project' })
          .getAttribute('aria-disabled'),
      ).toBe('true');
      await checkScreen(page, 'members-viewer');

      await nav(page).getByRole('link', { name: 'Keys' }).click();
      const revoke = page.getByRole('button', { name: 'Revoke kept' });
      await revoke.waitFor();
      expect(await revoke.getAttribute('aria-disabled')).toBe('true');
      // A refused control is still reached by keyboard, and pressing it opens nothing.
      await revoke.press('Enter');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(
        await page.getByRole('button', { name: 'Create server key' }).getAttribute('aria-disabled'),
      ).toBe('true');
      expect(
        await page.getByRole('button', { name: 'Rotate client key' }).getAttribute('aria-disabled'),
      ).toBe('true');
      await checkScreen(page, 'keys-viewer');
      expect(chromium.problems).toEqual([]);
      await page.close();
    }, 60_000);
  },
);
