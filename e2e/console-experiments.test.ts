import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailableReason } from './support/browser.js';
import { type ConsoleSession, signedInConsole } from './support/console.js';
import { type E2eServer, startE2eServer } from './support/server.js';

// Issue #11, part A: identities and experiments in the console, signed in as a person, against
// a real `pennon serve`; exposures and events arrive through the real SDK endpoint.
const skip = browserUnavailableReason();

(skip ? describe.skip : describe)(
  skip
    ? `console identities and experiments (skipped: ${skip})`
    : 'identities and experiments in the console',
  () => {
    let server: E2eServer;
    let session: ConsoleSession;
    let page: Page;
    let development: { projectId: string; environmentId: string; clientKey: string };

    const sdk = async (path: string, body: unknown) => {
      const response = await fetch(`${server.url}/api/sdk/v1${path}`, {
        method: 'POST',
        headers: { 'x-environment-key': development.clientKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.ok, await response.clone().text()).toBe(true);
      return response.json();
    };
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name });

    beforeAll(async () => {
      server = await startE2eServer();
      development = await server.development();
      const { projectId, environmentId } = development;
      await server.admin('POST', `/projects/${projectId}/features`, { key: 'banner', type: 'string' });
      await server.admin('POST', `/projects/${projectId}/features`, {
        key: 'limits',
        type: 'number',
        server_key_only: true,
      });
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/banner`, {
        enabled: true,
        value: 'plain',
      });
      await server.admin('POST', `/projects/${projectId}/segments`, {
        name: 'pro',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
      });
      await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
        segment_id: 'pro',
        feature_id: 'banner',
        enabled: true,
        value: 'gold',
      });
      await server.admin('POST', `/environments/${environmentId}/identities`, {
        identifier: 'ada@example.com',
        traits: { plan: 'pro' },
      });
      await server.admin('POST', `/projects/${projectId}/features`, { key: 'checkout', type: 'string' });
      await server.admin('PATCH', `/environments/${environmentId}/feature-states/checkout`, {
        enabled: true,
        value: 'classic',
        variants: [
          { key: 'classic', value: 'classic', weight: 50 },
          { key: 'one-page', value: 'one-page', weight: 50 },
        ],
      });
      session = await signedInConsole(server);
      page = session.page;
    }, 90_000);
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it('finds an identity by prefix and says why it gets each flag, server-only flags included', async () => {
      await nav('Identities').click();
      await page.getByRole('heading', { name: 'Identities in Development' }).waitFor();
      await page.getByLabel('Find by identifier').fill('ada');
      await page.getByRole('link', { name: 'ada@example.com' }).waitFor();
      await session.checkScreen('identities');
      await page.getByLabel('Find by identifier').press('Enter');
      await page.getByRole('heading', { name: 'Identity ada@example.com' }).waitFor();
      const banner = page.getByRole('row', { name: /banner/ });
      await banner.getByText('In segment "pro", whose override applies').waitFor();
      await banner.getByText('TARGETING_MATCH; segment=pro').waitFor();
      await page
        .getByRole('row', { name: /limits/ })
        .getByText('server only')
        .waitFor();
      await session.checkScreen('identity');
    });

    it('overrides a flag for the identity, then removes the override', async () => {
      await page.getByRole('button', { name: 'Override banner' }).click();
      await page.getByLabel('Value (string)').fill('just for ada');
      await page.getByRole('button', { name: 'Save override' }).click();
      const banner = page.getByRole('row', { name: /banner/ });
      await banner.getByText('This identity has its own override').waitFor();
      await banner.getByText('just for ada').waitFor();
      const stored = await server.admin(
        'GET',
        `/environments/${development.environmentId}/identities/ada@example.com`,
      );
      expect(stored.overrides).toMatchObject([
        { feature_key: 'banner', enabled: true, value: 'just for ada' },
      ]);
      await page.getByRole('button', { name: 'Remove override of banner' }).click();
      await banner.getByText('In segment "pro", whose override applies').waitFor();
    });

    it('sets and deletes a trait, and the segment follows', async () => {
      await page.getByLabel('Trait key').fill('plan');
      await page.getByLabel('Trait value').fill('free');
      await page.getByRole('button', { name: 'Set trait' }).click();
      await page
        .getByRole('row', { name: /banner/ })
        .getByText("The environment's state (no override applies)")
        .waitFor();
      await page.getByText('In no segment.').waitFor();
    });

    it('uploads a list of identifiers into a segment', async () => {
      await nav('Segments').click();
      await page.getByRole('link', { name: 'pro', exact: true }).click();
      await page.getByRole('heading', { name: 'Segment pro' }).waitFor();
      await page
        .getByLabel('Identifiers', { exact: true })
        .fill('ada@example.com\nbob@example.com\nada@example.com');
      await page.getByText('2 identifiers (1 repeated lines counted once).').waitFor();
      await page.getByRole('button', { name: 'Add 2 identifiers as a rule' }).click();
      await page.getByRole('button', { name: 'Save segment' }).click();
      await page.getByRole('status').getByText('Saved.').waitFor();
      const segment = await server.admin('GET', '/segments/pro');
      expect(segment.rules.at(-1)).toEqual({
        type: 'ALL',
        conditions: [
          {
            property: '$.identity.identifier',
            operator: 'IN',
            value: ['ada@example.com', 'bob@example.com'],
          },
        ],
        rules: [],
      });
      await session.checkScreen('segment-upload');
    });

    it('defines a metric, sets up an experiment and starts it after saying what starting does', async () => {
      await nav('Metrics').click();
      await page.getByRole('heading', { name: 'Metric definitions' }).waitFor();
      await page.getByLabel('Metric key').fill('purchased');
      await page.getByLabel('Metric name').fill('Purchased');
      await page.getByLabel('Event name').fill('purchase');
      await page.getByRole('button', { name: 'Create metric' }).click();
      await page.getByRole('cell', { name: /Purchased/ }).waitFor();
      await session.checkScreen('metrics');

      await nav('Experiments').click();
      await page.getByRole('button', { name: 'New experiment' }).click();
      await page.getByLabel('Key').fill('checkout-test');
      await page.getByRole('textbox', { name: /^Name/ }).fill('One-page checkout');
      await page.getByRole('combobox', { name: 'Flag' }).click();
      await page.getByRole('option', { name: 'checkout' }).click();
      await page.getByRole('combobox', { name: 'Control variant' }).click();
      await page.getByRole('option', { name: 'classic' }).click();
      await page.getByRole('combobox', { name: 'Primary metrics' }).click();
      await page.getByRole('option', { name: /Purchased/ }).click();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Create draft' }).click();
      await page.getByRole('heading', { name: 'One-page checkout' }).waitFor();
      await session.checkScreen('experiment-draft');

      await page.getByRole('button', { name: 'Start experiment' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Primary metrics: purchased.').waitFor();
      await session.checkScreen('experiment-start', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Start now' }).click();
      await page.getByRole('heading', { name: 'Results' }).waitFor();
      const experiment = await server.admin(
        'GET',
        `/environments/${development.environmentId}/experiments/checkout-test`,
      );
      expect(experiment).toMatchObject({ status: 'running', control_variant: 'classic' });
    });

    it('shows results with lift, interval charts, units and excluded units', async () => {
      const exposures: object[] = [];
      const events: object[] = [];
      for (let i = 0; i < 200; i++) {
        const identifier = `shopper-${i}`;
        const { flags } = await sdk('/flags', { identifier, transient: true });
        const variant = flags.checkout.variant as string;
        exposures.push({ unit_id: identifier, flag: 'checkout', variant, value: flags.checkout.value });
        if (i % (variant === 'one-page' ? 3 : 5) === 0)
          events.push({ unit_id: identifier, name: 'purchase' });
      }
      // One shopper saw both variants: excluded from every metric.
      const first = exposures[0] as { variant: string };
      const other = first.variant === 'classic' ? 'one-page' : 'classic';
      exposures.push({ unit_id: 'shopper-0', flag: 'checkout', variant: other, value: other });
      await sdk('/events', { exposures });
      await sdk('/events', { events });
      await page.getByRole('button', { name: 'Recompute now' }).click();
      await page.getByText('Excluded (saw more than one variant)').waitFor();
      await page.getByRole('region', { name: 'Purchased' }).waitFor();
      await page.getByText('Lift against classic with its interval (%)').waitFor();
      await page.getByRole('img', { name: /Daily cumulative lift of one-page/ }).waitFor();
      const results = await server.admin(
        'GET',
        `/environments/${development.environmentId}/experiments/checkout-test/results`,
      );
      expect(results.assignment.excluded_units).toBe(1);
      const units = Object.values(results.assignment.units as Record<string, number>);
      for (const count of units) await page.getByText(`${count} units`).first().waitFor();
      await session.checkScreen('experiment-results');

      await page.getByRole('button', { name: 'Stop experiment' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Stop now' }).click();
      await expect
        .poll(
          async () =>
            (
              await server.admin(
                'GET',
                `/environments/${development.environmentId}/experiments/checkout-test`,
              )
            ).status,
        )
        .toBe('stopped');
      // The one 401 is /auth/me before signing in.
      expect(session.problems.filter((p) => !p.includes('401'))).toEqual([]);
    });

    it("deletes the stopped experiment and an identity, each after asking in the app's own dialog", async () => {
      const experiments = async () =>
        (await server.admin('GET', `/environments/${development.environmentId}/experiments`)).items.map(
          (e: { key: string }) => e.key,
        );
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete experiment One-page checkout?' });
      await dialog.getByText(/the flag checkout and the logged events stay/).waitFor();
      // Focus starts on Cancel: a stray Enter destroys nothing.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await session.checkScreen('experiment-delete', '[role=dialog]');
      await dialog.getByRole('button', { name: 'Delete experiment' }).click();
      await page.getByRole('button', { name: 'New experiment' }).waitFor();
      expect(await experiments()).toEqual([]);

      await nav('Identities').click();
      await page.getByLabel('Find by identifier').fill('ada');
      await page.getByRole('link', { name: 'ada@example.com' }).click();
      await page.getByRole('heading', { name: 'Identity ada@example.com' }).waitFor();
      await page.getByRole('button', { name: 'Delete identity' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete identity ada@example.com?' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await page.getByRole('heading', { name: 'Identity ada@example.com' }).waitFor();
      await page.getByRole('button', { name: 'Delete identity' }).click();
      await confirm.getByRole('button', { name: 'Delete identity' }).click();
      await page.getByRole('heading', { name: 'Identities in Development' }).waitFor();
      const identities = await server.admin('GET', `/environments/${development.environmentId}/identities`);
      expect(identities.items.map((i: { identifier: string }) => i.identifier)).not.toContain(
        'ada@example.com',
      );
      // The one 401 is /auth/me before signing in.
      expect(session.problems.filter((p) => !p.includes('401'))).toEqual([]);
    });
  },
);
