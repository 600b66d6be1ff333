import { StatsigClient, type StatsigOptions } from '@statsig/js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../bench/workload.mjs';
import { forEachLimited } from './support/async.js';
import { type E2eServer, startE2eServer } from './support/server.js';

/**
 * An experiment end to end: users are assigned by the server's own evaluation, log exposures
 * and purchases through the native endpoint and through `@statsig/js-client`, and the results
 * endpoint must find the effect the simulation put in. A second run with a skewed split must
 * raise the sample-ratio alert. Real server on loopback, real client, no mocks.
 */

// biome-ignore lint/suspicious/noExplicitAny: SDK answers are read ad hoc.
type Payload = any;

const CONTROL_RATE = 0.2;
const TREATMENT_RATE = 0.3;
/** The relative lift the simulation builds in: (0.3 − 0.2) / 0.2. */
const TRUE_LIFT = (TREATMENT_RATE - CONTROL_RATE) / CONTROL_RATE;

describe('experiment results from logged exposures and events', () => {
  let server: E2eServer;
  let environmentId: string;
  let clientKey: string;
  let projectId: string;

  /** An SDK call that, as our SDKs do, waits out a 429 (the key's rate limit) and tries again. */
  const sdk = async (path: string, body: unknown): Promise<Payload> => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${server.url}/api/sdk/v1${path}`, {
        method: 'POST',
        headers: { 'x-environment-key': clientKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status === 429 && attempt < 10) {
        await new Promise((resolve) =>
          setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)),
        );
        continue;
      }
      if (!response.ok) throw new Error(`${path} → ${response.status} ${text}`);
      return JSON.parse(text);
    }
  };

  /** Creates a 50/50 feature and a running experiment on it, measuring purchases. */
  async function runningExperiment(feature: string) {
    const created = await server.admin('POST', `/projects/${projectId}/features`, {
      key: feature,
      type: 'string',
      default_value: 'classic',
    });
    await server.admin('PATCH', `/environments/${environmentId}/feature-states/${created.id}`, {
      enabled: true,
      variants: [
        { key: 'classic', value: 'classic', weight: 50 },
        { key: 'one-page', value: 'one-page', weight: 50 },
      ],
    });
    await server.admin('POST', `/environments/${environmentId}/experiments`, {
      key: `${feature}-test`,
      name: feature,
      feature,
      control_variant: 'classic',
      // Which users land in which variant is new each run (the state's hash key is random), so
      // the data is a fresh sample: at 95% the true lift would fall outside the interval in one
      // run in twenty. At 99.9% the test checks the same thing and fails once in a thousand.
      alpha: 0.001,
      metrics: [
        { metric: 'purchased', role: 'primary' },
        { metric: 'revenue', role: 'secondary' },
      ],
    });
    await server.admin('POST', `/environments/${environmentId}/experiments/${feature}-test/start`);
  }

  /**
   * Users `from`..`to`: each asks the server for its variant, logs the exposure, and buys with
   * the variant's rate. `keepExposure` decides whether a user's exposure reaches the server.
   */
  async function simulateNative(
    feature: string,
    users: string[],
    keepExposure: (variant: string) => boolean = () => true,
  ) {
    const next = mulberry32(feature.length * 7919);
    const events: object[] = [];
    const exposures: object[] = [];
    const draws = users.map(() => [next(), next(), next()] as const);
    await forEachLimited(users, 16, async (identifier) => {
      const index = users.indexOf(identifier);
      const [exposed, buys, amount] = draws[index] as readonly [number, number, number];
      const { flags } = await sdk('/flags', { identifier, transient: true });
      const variant = flags[feature].variant as string;
      if (!keepExposure(variant) && exposed < 0.4) return;
      exposures.push({
        unit_id: identifier,
        flag: feature,
        variant,
        value: flags[feature].value,
        idempotency_key: `x-${identifier}`,
      });
      if (buys < (variant === 'one-page' ? TREATMENT_RATE : CONTROL_RATE)) {
        events.push({ unit_id: identifier, name: 'purchase', value: Math.round(2000 + amount * 8000) / 100 });
      }
    });
    for (let i = 0; i < exposures.length; i += 500)
      await sdk('/events', { exposures: exposures.slice(i, i + 500) });
    // Events after exposures, as in life: a purchase counts from the unit's first exposure on.
    for (let i = 0; i < events.length; i += 500) await sdk('/events', { events: events.slice(i, i + 500) });
  }

  const results = (feature: string) =>
    server.admin('GET', `/environments/${environmentId}/experiments/${feature}-test/results?refresh=true`);

  beforeAll(async () => {
    server = await startE2eServer();
    const development = await server.development();
    ({ environmentId, clientKey, projectId } = development);
    await server.admin('POST', `/projects/${projectId}/metrics`, {
      key: 'purchased',
      name: 'Purchased',
      kind: 'conversion',
      event_name: 'purchase',
    });
    await server.admin('POST', `/projects/${projectId}/metrics`, {
      key: 'revenue',
      name: 'Revenue',
      kind: 'sum',
      event_name: 'purchase',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds the built-in lift, from the native endpoint and @statsig/js-client together, with a clean SRM', async () => {
    await runningExperiment('checkout');
    const users = Array.from({ length: 3000 }, (_, i) => `shopper-${i}`);
    await simulateNative('checkout', users);

    // Some users come through Statsig's client: its exposure of the experiment and its purchase.
    const statsigUsers = Array.from({ length: 40 }, (_, i) => `statsig-shopper-${i}`);
    const next = mulberry32(99);
    for (const userID of statsigUsers) {
      const client = new StatsigClient(clientKey, { userID }, statsigOptions(server.url));
      await client.initializeAsync();
      const group = client.getExperiment('checkout').groupName as string;
      expect(['classic', 'one-page']).toContain(group);
      if (next() < (group === 'one-page' ? TREATMENT_RATE : CONTROL_RATE)) client.logEvent('purchase', 50);
      await client.flush();
      await client.shutdown();
    }

    const report = await results('checkout');
    expect(report.assignment.total_units).toBe(users.length + statsigUsers.length);
    expect(report.assignment.excluded_units).toBe(0);
    expect(report.srm.alert).toBe(false);
    expect(report.srm.p_value).toBeGreaterThan(0.001);

    const purchased = report.metrics.find((m: { metric_key: string }) => m.metric_key === 'purchased');
    const rates = Object.fromEntries(
      purchased.variants.map((v: { variant: string; mean: number }) => [v.variant, v.mean]),
    );
    // Within four standard errors of the built-in rates (about 1,500 units per variant).
    expect(rates.classic).toBeGreaterThan(0.16);
    expect(rates.classic).toBeLessThan(0.24);
    expect(rates['one-page']).toBeGreaterThan(0.25);
    expect(rates['one-page']).toBeLessThan(0.35);
    const [comparison] = purchased.comparisons;
    expect(comparison).toMatchObject({
      variant: 'one-page',
      significant: true,
      verdict: 'better',
      error: null,
    });
    expect(comparison.ci[0]).toBeLessThan(TRUE_LIFT);
    expect(comparison.ci[1]).toBeGreaterThan(TRUE_LIFT);
    expect(comparison.p_value).toBeLessThan(0.001);
    // The series ends where the totals are.
    const last = report.series[0].points.at(-1);
    expect(last.variants.classic.units).toBe(report.assignment.units.classic);
  });

  it('raises the sample-ratio alert when one variant’s exposures go missing', async () => {
    await runningExperiment('onboarding');
    const users = Array.from({ length: 3000 }, (_, i) => `newcomer-${i}`);
    // Four in ten treatment exposures are lost, as with a client that crashes on the new page.
    await simulateNative('onboarding', users, (variant) => variant !== 'one-page');
    const report = await results('onboarding');
    expect(report.srm.alert).toBe(true);
    expect(report.srm.p_value).toBeLessThan(0.001);
  });

  it('counts a retried batch once', async () => {
    const before = (await results('checkout')).assignment.total_units;
    const replay = {
      exposures: [
        { unit_id: 'shopper-1', flag: 'checkout', variant: 'classic', idempotency_key: 'x-shopper-1' },
      ],
    };
    expect(await sdk('/events', replay)).toEqual({ accepted: 1, duplicates: 1 });
    expect((await results('checkout')).assignment.total_units).toBe(before);
  });
});

/** The client kept on loopback and logging in Node, as in the Statsig e2e suite. */
function statsigOptions(url: string): StatsigOptions {
  return {
    networkConfig: {
      api: `${url}/v1`,
      sdkExceptionUrl: `${url}/v1/sdk_exception`,
      networkOverrideFunc: (target, args) =>
        target.startsWith(url)
          ? fetch(target, args as RequestInit)
          : Promise.reject(new Error(`blocked request to ${target}`)),
    },
    loggingEnabled: 'always',
    environment: { tier: 'development' },
  };
}
