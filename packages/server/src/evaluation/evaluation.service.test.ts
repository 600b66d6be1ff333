import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('evaluation service', (getDatabase) => {
  let t: TestApp;
  let environmentId: string;
  let featureId: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    environmentId = t.environments[0]?.id as string;
    featureId = (
      await admin('POST', `/projects/${t.projectId}/features`, {
        key: 'limit',
        type: 'number',
        default_value: 10,
      })
    ).json().id;
  });
  afterAll(() => t.close());

  const key = () => ({ environmentId, projectId: t.projectId, kind: 'server' as const });

  it('compiles one snapshot per environment and reuses it until something changes', async () => {
    const first = await t.context.evaluation.snapshot(environmentId);
    expect(await t.context.evaluation.snapshot(environmentId)).toBe(first);
    await admin('PATCH', `/environments/${environmentId}/feature-states/${featureId}`, {
      enabled: true,
      value: 20,
    });
    const second = await t.context.evaluation.snapshot(environmentId);
    expect(second).not.toBe(first);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(second.etag).not.toBe(first.etag);
  });

  it('shares one build between concurrent requests', async () => {
    await admin('PATCH', `/environments/${environmentId}/feature-states/${featureId}`, { value: 30 });
    const [a, b] = await Promise.all([
      t.context.evaluation.snapshot(environmentId),
      t.context.evaluation.snapshot(environmentId),
    ]);
    expect(a).toBe(b);
  });

  it('does not keep a snapshot built across a change', async () => {
    const building = t.context.evaluation.snapshot(environmentId);
    await admin('PATCH', `/environments/${environmentId}/feature-states/${featureId}`, { value: 40 });
    await building;
    const after = await t.context.evaluation.evaluate(key());
    expect(after.flags.find((f) => f.feature.key === 'limit')?.result.value).toBe(40);
  });

  it('rebuilds every environment of a project on a project-level change', async () => {
    const other = t.environments[1]?.id as string;
    const before = await t.context.evaluation.snapshot(other);
    await admin('PATCH', `/features/${featureId}`, { description: 'requests per minute' });
    expect(await t.context.evaluation.snapshot(other)).not.toBe(before);
  });
});
