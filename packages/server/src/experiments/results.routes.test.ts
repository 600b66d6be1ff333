import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('experiment results route', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let environmentId: string;
  let clientKey: string;
  let base: string;

  const ok = async (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
    const response = await api(method, url, body);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };
  const ingest = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sdk/v1/events',
      headers: { 'x-environment-key': clientKey },
      payload: body,
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    environmentId = t.environments[0]?.id as string;
    clientKey = t.environments[0]?.clientKey as string;
    base = `/environments/${environmentId}/experiments/banner-test`;
    const feature = await ok('POST', `/projects/${t.projectId}/features`, {
      key: 'banner',
      type: 'string',
      default_value: 'a',
    });
    await ok('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, {
      enabled: true,
      variants: [
        { key: 'a', value: 'a', weight: 50 },
        { key: 'b', value: 'b', weight: 50 },
      ],
    });
    await ok('POST', `/projects/${t.projectId}/metrics`, {
      key: 'clicked',
      name: 'Clicked',
      kind: 'conversion',
      event_name: 'click',
    });
    await ok('POST', `/environments/${environmentId}/experiments`, {
      key: 'banner-test',
      name: 'Banner',
      feature: 'banner',
      control_variant: 'a',
      method: 'bayesian',
      metrics: [{ metric: 'clicked', role: 'primary' }],
    });
  });
  afterAll(() => t?.close());

  it('has nothing to read before the experiment starts', async () => {
    const report = await ok('GET', `${base}/results`);
    expect(report).toMatchObject({ window: null, metrics: [], assignment: { total_units: 0 } });
  });

  it('reports units, rates and a Bayesian chance to win once exposures and events arrive', async () => {
    await ok('POST', `${base}/start`);
    const exposures = Array.from({ length: 200 }, (_, i) => ({
      unit_id: `u${i}`,
      flag: 'banner',
      variant: i % 2 === 0 ? 'a' : 'b',
    }));
    expect((await ingest({ exposures })).statusCode).toBe(202);
    // Nine b units in ten click, one a unit in five does.
    const events = exposures
      .filter((e, i) => (e.variant === 'b' && i % 20 !== 1) || i % 10 === 0)
      .map((e) => ({ unit_id: e.unit_id, name: 'click' }));
    expect((await ingest({ events })).statusCode).toBe(202);

    const report = await ok('GET', `${base}/results?refresh=true`);
    expect(report.assignment).toEqual({ units: { a: 100, b: 100 }, total_units: 200, excluded_units: 0 });
    const [clicked] = report.metrics;
    expect(clicked.variants).toEqual([
      { variant: 'a', units: 100, mean: 0.2, variance: expect.closeTo(0.16, 12) },
      { variant: 'b', units: 100, mean: 0.9, variance: expect.closeTo(0.09, 12) },
    ]);
    expect(clicked.comparisons[0]).toMatchObject({
      variant: 'b',
      p_value: null,
      chance_to_win: expect.any(Number),
      verdict: 'better',
    });
    expect(clicked.comparisons[0].chance_to_win).toBeGreaterThan(0.99);
  });

  it('answers from its cache until asked to refresh', async () => {
    const first = await ok('GET', `${base}/results`);
    await ingest({ exposures: [{ unit_id: 'late', flag: 'banner', variant: 'a' }] });
    expect((await ok('GET', `${base}/results`)).computed_at).toBe(first.computed_at);
    const fresh = await ok('GET', `${base}/results?refresh=true`);
    expect(fresh.assignment.total_units).toBe(first.assignment.total_units + 1);
  });

  it('recomputes at once when the analysis changes', async () => {
    await ok('PATCH', base, { method: 'frequentist' });
    const report = await ok('GET', `${base}/results`);
    expect(report.experiment.method).toBe('frequentist');
    expect(report.metrics[0].comparisons[0].p_value).toEqual(expect.any(Number));
  });

  it('is not found for an unknown experiment', async () => {
    const response = await api('GET', `/environments/${environmentId}/experiments/nope/results`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('experiment_not_found');
  });
});
