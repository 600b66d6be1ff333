import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

// Serving is HTTP only, the same on both dialects: SQLite suffices.
describe('the web console at /', () => {
  let database: TestDatabase;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    // A build as Vite lays it out: index.html naming hashed files under assets/.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-console-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>Pennon</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("console")');
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database, { consoleDir: dir });
  });
  afterAll(async () => {
    await t.close();
    await database.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the security headers, revalidated on every visit', async () => {
    const response = await t.app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('/assets/index-Ab12Cd34.js');
    expect(response.headers['cache-control']).toBe('no-cache');
    const csp = String(response.headers['content-security-policy']);
    // The console's module scripts and Mantine's injected styles load from this origin.
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self'[^;]*'unsafe-inline'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('caches hashed assets for a year and other files only until revalidated', async () => {
    const asset = await t.app.inject({ url: '/assets/index-Ab12Cd34.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await t.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers client routes with the page, so reloads and shared links work', async () => {
    for (const url of ['/flags', '/projects/p1/environments/e1/flags/dark_mode', '/segments?q=beta']) {
      const response = await t.app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toContain('<title>Pennon</title>');
    }
  });

  it('leaves API routes and unknown API paths as they were', async () => {
    const projects = await t.app.inject({ url: '/api/admin/v1/projects', headers: t.admin });
    expect(projects.statusCode).toBe(200);
    expect(projects.json().items.length).toBeGreaterThan(0);
    for (const url of ['/api/admin/v1/nothing-here', '/api/sdk/v1/nothing', '/ofrep/v1/nothing', '/v1/x']) {
      const response = await t.app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('route_not_found');
    }
    expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('answers a missing asset with 404, never with the page as a script', async () => {
    const response = await t.app.inject({ url: '/assets/index-0ld0ld00.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route_not_found');
  });

  it('keeps the page out of the OpenAPI document', async () => {
    const document = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const paths = Object.keys(document.paths);
    for (const page of ['/', '/*', '/index.html', '/favicon.svg']) expect(paths).not.toContain(page);
    expect(paths.some((p) => p.startsWith('/assets'))).toBe(false);
  });
});

describe('without a console build', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database, { consoleDir: path.join(os.tmpdir(), 'pennon-no-console-here') });
  });
  afterAll(async () => {
    await t.close();
    await database.dispose();
  });

  it('says at / how to build it, and the API still works', async () => {
    const response = await t.app.inject({ url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'console_not_built' });
    expect(response.json().error.message).toContain('npm run build');
    expect((await t.app.inject({ url: '/api/admin/v1/projects', headers: t.admin })).statusCode).toBe(200);
  });
});
