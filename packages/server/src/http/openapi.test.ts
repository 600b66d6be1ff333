import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../testing/databases.js';

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

interface Media {
  schema?: object;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function operationsOf(document: Document): { name: string; path: string; method: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
}

function examplesOf(media: Media): unknown[] {
  const named = Object.values(media.examples ?? {}).map((example) => example.value);
  return 'example' in media ? [media.example, ...named] : named;
}

/** 2xx answers that have a body; a 204 has nothing to show. */
function successBodies(op: Operation): [string, Media][] {
  return Object.entries(op.responses)
    .filter(([status]) => status.startsWith('2'))
    .flatMap(([status, response]) =>
      Object.entries(response.content ?? {}).map(([type, media]): [string, Media] => [
        `${status} ${type}`,
        media,
      ]),
    );
}

/** What a reader of the docs would miss in one operation. */
function gapsIn(op: Operation): string[] {
  const gaps: string[] = [];
  if (!op.summary?.trim()) gaps.push('summary');
  if (!Array.isArray(op.security)) gaps.push('security');
  if (!Object.keys(op.responses).some((status) => status.startsWith('2'))) gaps.push('success response');
  for (const [name, media] of successBodies(op)) {
    if (examplesOf(media).length === 0) gaps.push(`example of ${name}`);
  }
  for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
    if (examplesOf(media).length === 0) gaps.push(`request example (${type})`);
  }
  return gaps;
}

// The document does not depend on the dialect: one database is enough.
describe('OpenAPI document', () => {
  let database: TestDatabase;
  let t: TestApp;
  let document: Document;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
    document = (await t.app.inject({ url: '/api/openapi.json' })).json();
  });
  afterAll(async () => {
    await t.close();
    await database.dispose();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as object);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('3.1');
  });

  it('documents every operation: summary, security, success and request examples', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(60);
    const gaps = operations
      .map(({ name, op }) => ({ name, gaps: gapsIn(op) }))
      .filter((entry) => entry.gaps.length > 0)
      .map((entry) => `${entry.name}: ${entry.gaps.join(', ')}`);
    expect(gaps).toEqual([]);
  });

  it('names only declared security schemes; admin operations take the admin token or a session, SDK ones never', () => {
    const schemes = document.components.securitySchemes;
    const wrong: string[] = [];
    for (const { name, path, op } of operationsOf(document)) {
      const names = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      for (const scheme of names) if (!(scheme in schemes)) wrong.push(`${name}: unknown scheme ${scheme}`);
      const admin = path.startsWith('/api/admin/');
      // Signing in and accepting an invitation are how one gets a session: they take nothing.
      const opensSession = ['/api/admin/v1/auth/sign-in', '/api/admin/v1/auth/accept-invitation'].includes(
        path,
      );
      const expected = opensSession ? [] : [{ adminToken: [] }, { sessionCookie: [] }];
      if (admin && JSON.stringify(op.security) !== JSON.stringify(expected)) {
        wrong.push(`${name}: needs exactly the admin token or a session`);
      }
      if (!admin && names.includes('adminToken')) wrong.push(`${name}: an SDK route takes no admin token`);
    }
    expect(wrong).toEqual([]);
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'pennon_session' });
    expect(schemes.clientKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Environment-Key' });
    expect(schemes.serverKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Environment-Key' });
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/ready']?.get?.security).toEqual([]);
  });

  it('declares credentials only where the server asks for them: without any, those answer 401', async () => {
    const unexpected: string[] = [];
    for (const { name, path, method, op } of operationsOf(document)) {
      if (!op.security?.length) continue;
      const query = (op.parameters ?? [])
        .filter((parameter) => parameter.in === 'query' && parameter.required)
        .map((parameter) => `${parameter.name}=x`)
        .join('&');
      const body = op.requestBody?.content['application/json'];
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url: path.replace(/\{[^}]+\}/g, 'x') + (query ? `?${query}` : ''),
        ...(body ? { payload: JSON.stringify(examplesOf(body)[0]) } : {}),
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      if (response.statusCode !== 401) unexpected.push(`${name}: ${response.statusCode}`);
    }
    expect(unexpected).toEqual([]);
  });

  it('gives examples that match their own schemas', () => {
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; hoisted ones are referenced under components.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const mismatches: string[] = [];
    const check = (where: string, media: Media) => {
      if (!media.schema) return;
      const validate = ajv.compile({ ...media.schema, components: document.components });
      for (const example of examplesOf(media)) {
        if (!validate(example)) mismatches.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      }
    };
    for (const { name, op } of operationsOf(document)) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        check(`${name} ${type}`, media);
      for (const [response, media] of successBodies(op)) check(`${name} ${response}`, media);
    }
    expect(mismatches).toEqual([]);
  });

  it('lets "Try it out" send the admin token: Authorize applies it and keeps it across reloads', async () => {
    const initializer = await t.app.inject({ url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain('"persistAuthorization":true');
    // The page loads the document from its own `./json`: it must be this one, schemes and all.
    const served = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(served.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(served.paths['/api/admin/v1/projects'].get.security).toEqual([
      { adminToken: [] },
      { sessionCookie: [] },
    ]);
  });
});
