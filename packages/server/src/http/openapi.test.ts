import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('API documentation', (getDatabase) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(getDatabase());
  });
  afterAll(() => t.close());

  it('publishes an OpenAPI document built from the route schemas', async () => {
    const response = await t.app.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/admin/v1/projects',
      '/api/admin/v1/projects/{projectId}/features',
      '/api/sdk/v1/flags',
      '/api/v1/identities/',
    ]) {
      expect(Object.keys(document.paths), path).toContain(path);
    }
    const create = document.paths['/api/admin/v1/projects'].post;
    expect(create.requestBody.content['application/json'].schema.properties.name).toMatchObject({
      type: 'string',
    });
  });

  it('serves browsable docs at /api/docs', async () => {
    const response = await t.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('answers liveness and readiness', async () => {
    expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/ready' })).json()).toEqual({ status: 'ready' });
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await t.app.inject({ url: '/api/admin/v1/nope', headers: t.admin });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route_not_found');
  });
});
