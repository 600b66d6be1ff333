import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient, rejection, seedProject } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('experiments routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let environmentId: string;
  let experiments: string;
  const variants = [
    { key: 'classic', value: 'classic', weight: 50 },
    { key: 'one-page', value: 'one-page', weight: 50 },
  ];

  const ok = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const response = await api(method, url, body);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  };
  const refused = (method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    rejection(getDatabase().db, () => api(method, url, body));

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    environmentId = t.environments[0]?.id as string;
    experiments = `/environments/${environmentId}/experiments`;
    await ok('POST', `/projects/${t.projectId}/features`, {
      key: 'checkout',
      type: 'string',
      default_value: 'classic',
    });
    await ok('POST', `/projects/${t.projectId}/features`, {
      key: 'plain',
      type: 'string',
      default_value: 'x',
    });
    for (const [key, kind] of [
      ['purchased', 'conversion'],
      ['revenue', 'sum'],
    ] as const) {
      await ok('POST', `/projects/${t.projectId}/metrics`, { key, name: key, kind, event_name: key });
    }
  });
  afterAll(() => t?.close());

  describe('design', () => {
    it('creates a draft naming its feature and metrics by key', async () => {
      const created = await ok('POST', experiments, {
        key: 'one-page-checkout',
        name: 'One-page checkout',
        feature: 'checkout',
        control_variant: 'classic',
        metrics: [
          { metric: 'purchased', role: 'primary' },
          { metric: 'revenue', role: 'guardrail' },
        ],
      });
      expect(created).toMatchObject({
        key: 'one-page-checkout',
        feature_key: 'checkout',
        status: 'draft',
        method: 'frequentist',
        alpha: 0.05,
        correction: 'holm',
        cuped: false,
        started_at: null,
        metrics: [
          { metric_key: 'purchased', role: 'primary' },
          { metric_key: 'revenue', role: 'guardrail' },
        ],
      });
      expect((await ok('GET', `${experiments}/${created.id}`)).key).toBe('one-page-checkout');
      expect((await ok('GET', `${experiments}/one-page-checkout`)).id).toBe(created.id);
    });

    const bad: [string, unknown, number, string][] = [
      [
        'an unknown feature',
        { key: 'x1', name: 'X', feature: 'nope', control_variant: 'a' },
        404,
        'feature_not_found',
      ],
      [
        'an unknown metric',
        {
          key: 'x2',
          name: 'X',
          feature: 'checkout',
          control_variant: 'a',
          metrics: [{ metric: 'nope', role: 'primary' }],
        },
        400,
        'metric_not_found',
      ],
      [
        'a metric twice',
        {
          key: 'x3',
          name: 'X',
          feature: 'checkout',
          control_variant: 'a',
          metrics: [
            { metric: 'purchased', role: 'primary' },
            { metric: 'purchased', role: 'secondary' },
          ],
        },
        400,
        'duplicate_metric',
      ],
      [
        'an alpha of 0.9',
        { key: 'x4', name: 'X', feature: 'checkout', control_variant: 'a', alpha: 0.9 },
        400,
        'invalid_request',
      ],
      [
        'a key taken',
        { key: 'one-page-checkout', name: 'X', feature: 'checkout', control_variant: 'a' },
        409,
        'experiment_key_taken',
      ],
    ];
    it.each(bad)('refuses %s and changes nothing', async (_title, body, status, code) => {
      expect(await refused('POST', experiments, body)).toEqual({ status, code, changed: false });
    });

    it('does not reveal another organisation’s environment', async () => {
      const foreign = await seedProject(getDatabase().db);
      const result = await refused('POST', `/environments/${foreign.environmentId}/experiments`, {
        key: 'x',
        name: 'X',
        feature: 'checkout',
        control_variant: 'a',
      });
      expect(result).toEqual({ status: 404, code: 'environment_not_found', changed: false });
    });
  });

  describe('lifecycle', () => {
    it('will not start without variants on the feature, a valid control, or a primary metric', async () => {
      await ok('POST', experiments, {
        key: 'no-variants',
        name: 'N',
        feature: 'plain',
        control_variant: 'a',
        metrics: [{ metric: 'purchased', role: 'primary' }],
      });
      expect(await refused('POST', `${experiments}/no-variants/start`)).toMatchObject({
        status: 400,
        code: 'feature_not_multivariate',
        changed: false,
      });
      await ok(
        'PATCH',
        `/environments/${environmentId}/feature-states/checkout`.replace(
          'checkout',
          await featureId('checkout'),
        ),
        {
          enabled: true,
          variants,
        },
      );
      await ok('POST', experiments, {
        key: 'bad-control',
        name: 'B',
        feature: 'checkout',
        control_variant: 'blue',
        metrics: [{ metric: 'purchased', role: 'primary' }],
      });
      const badControl = await api('POST', `${experiments}/bad-control/start`);
      expect(badControl.statusCode).toBe(400);
      expect(badControl.json().error).toMatchObject({ code: 'invalid_control_variant' });
      expect(badControl.json().error.message).toContain('classic, one-page');
      await ok('POST', experiments, {
        key: 'no-primary',
        name: 'P',
        feature: 'checkout',
        control_variant: 'classic',
        metrics: [{ metric: 'revenue', role: 'secondary' }],
      });
      expect((await api('POST', `${experiments}/no-primary/start`)).json().error.code).toBe(
        'primary_metric_required',
      );
    });

    it('starts, refuses a second start, stops, and keeps a stopped experiment final', async () => {
      const started = await ok('POST', `${experiments}/one-page-checkout/start`);
      expect(started.status).toBe('running');
      expect(started.started_at).toEqual(expect.any(String));
      expect((await api('POST', `${experiments}/one-page-checkout/start`)).json().error.code).toBe(
        'experiment_not_draft',
      );
      expect(
        (await api('PATCH', `${experiments}/one-page-checkout`, { control_variant: 'one-page' })).statusCode,
      ).toBe(409);
      expect((await api('DELETE', `${experiments}/one-page-checkout`)).json().error.code).toBe(
        'experiment_running',
      );
      // Analysis settings may change while it runs.
      expect((await ok('PATCH', `${experiments}/one-page-checkout`, { method: 'bayesian' })).method).toBe(
        'bayesian',
      );
      // A PATCH that repeats what is there changes nothing and records nothing (see the change record below).
      const same = await ok('GET', `${experiments}/one-page-checkout`);
      const repeated = await ok('PATCH', `${experiments}/one-page-checkout`, {
        method: 'bayesian',
        metrics: same.metrics.map((m: { metric_key: string; role: string }) => ({
          metric: m.metric_key,
          role: m.role,
        })),
      });
      expect(repeated.updated_at).toBe(same.updated_at);
    });

    it('refuses a change of variant weights while it runs, unless forced, and records the forced one', async () => {
      const url = `/environments/${environmentId}/feature-states/${await featureId('checkout')}`;
      const moved = [
        { key: 'classic', value: 'classic', weight: 20 },
        { key: 'one-page', value: 'one-page', weight: 80 },
      ];
      const refusedChange = await rejection(getDatabase().db, () => api('PATCH', url, { variants: moved }));
      expect(refusedChange).toEqual({ status: 409, code: 'experiment_running', changed: false });
      // Values may change: nobody moves between variants.
      await ok('PATCH', url, { variants: [variants[0], { ...variants[1], value: 'single-page' }] });
      await ok('PATCH', `${url}?force=true`, { variants: moved });
      const changes = (await ok('GET', `${experiments}/one-page-checkout/changes`)).items;
      expect(changes.map((c: { action: string }) => c.action)).toEqual([
        'created',
        'started',
        'updated',
        'variants_changed',
      ]);
      expect(changes.at(-1).details).toMatchObject({
        forced: true,
        where: 'feature_state',
        before: [
          { key: 'classic', weight: 50 },
          { key: 'one-page', weight: 50 },
        ],
        after: [
          { key: 'classic', weight: 20 },
          { key: 'one-page', weight: 80 },
        ],
      });
    });

    it('keeps a metric an experiment measures', async () => {
      const result = await refused('DELETE', `/projects/${t.projectId}/metrics/purchased`);
      expect(result).toEqual({ status: 409, code: 'metric_in_use', changed: false });
    });

    it('stops, then the experiment can be deleted', async () => {
      const stopped = await ok('POST', `${experiments}/one-page-checkout/stop`);
      expect(stopped).toMatchObject({ status: 'stopped', stopped_at: expect.any(String) });
      expect((await api('POST', `${experiments}/one-page-checkout/stop`)).json().error.code).toBe(
        'experiment_not_running',
      );
      expect(
        (await api('PATCH', `${experiments}/one-page-checkout`, { name: 'Later' })).json().error.code,
      ).toBe('experiment_stopped');
      expect((await api('DELETE', `${experiments}/one-page-checkout`)).statusCode).toBe(204);
      expect((await api('GET', `${experiments}/one-page-checkout`)).statusCode).toBe(404);
    });
  });

  async function featureId(key: string): Promise<string> {
    const page = await ok('GET', `/projects/${t.projectId}/features`);
    return page.items.find((f: { key: string }) => f.key === key).id;
  }
});
