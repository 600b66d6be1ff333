import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

/** What a caller reads when a request does not fit its route's schema; storage plays no part. */
describe('validation error messages', () => {
  let database: TestDatabase;
  let t: TestApp;
  const admin = (method: 'POST' | 'PATCH', url: string, payload: unknown) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload: payload as object });
  const segment = (condition: Record<string, unknown>) => ({
    name: 's',
    rules: [
      { type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro', ...condition }] },
    ],
  });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
  });
  afterAll(async () => {
    await t?.close();
    await database?.dispose();
  });

  it('names an enumeration’s allowed values and what arrived', async () => {
    const response = await admin('POST', `/projects/${t.projectId}/features`, { key: 'k', type: 'date' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'invalid_request',
      message: "body/type must be one of: boolean, string, number, json (got 'date').",
      details: {
        location: 'body',
        path: '/type',
        expected: 'one of: boolean, string, number, json',
        allowed_values: ['boolean', 'string', 'number', 'json'],
      },
    });
  });

  it('names an unknown property', async () => {
    const response = await admin('POST', `/projects/${t.projectId}/features`, {
      key: 'k',
      type: 'boolean',
      colour: 'red',
    });
    expect(response.json().error).toMatchObject({
      message: "body has an unknown property 'colour'.",
      details: { location: 'body', path: '', property: 'colour' },
    });
  });

  it('names a missing property', async () => {
    const response = await admin('POST', `/projects/${t.projectId}/features`, { key: 'k' });
    expect(response.json().error.message).toBe("body is missing the required property 'type'.");
  });

  it('lists the operators when a nested condition names an unknown one', async () => {
    const response = await admin(
      'POST',
      `/projects/${t.projectId}/segments`,
      segment({ operator: 'STARTS' }),
    );
    const { message, details } = response.json().error;
    expect(message).toMatch(
      /^body\/rules\/0\/conditions\/0\/operator must be one of: EQUAL, NOT_EQUAL, .*PERCENTAGE_SPLIT \(got 'STARTS'\)\.$/,
    );
    expect(details.allowed_values).toContain('REGEX');
  });

  it('lists every type a union takes instead of "must match a schema in anyOf"', async () => {
    const response = await admin('POST', `/projects/${t.projectId}/segments`, segment({ value: 5 }));
    expect(response.json().error).toMatchObject({
      message: 'body/rules/0/conditions/0/value must be string or null or array (got integer).',
      details: {
        path: '/rules/0/conditions/0/value',
        expected: 'string or null or array',
        received: 'integer',
      },
    });
  });

  it('tells the fault of the union member the value was meant for', async () => {
    const response = await admin('POST', `/projects/${t.projectId}/segments`, segment({ value: ['a', 7] }));
    expect(response.json().error.message).toBe(
      'body/rules/0/conditions/0/value/1 must be string (got integer).',
    );
    const tooLong = await admin(
      'POST',
      `/projects/${t.projectId}/segments`,
      segment({ value: 'x'.repeat(10_001) }),
    );
    expect(tooLong.json().error.message).toBe(
      'body/rules/0/conditions/0/value must NOT have more than 10000 characters.',
    );
  });

  it('points into a Flagsmith trait list by index, in Flagsmith’s error shape', async () => {
    const traits = [1, 2, 3].map((n) => ({ trait_key: `t${n}`, trait_value: n }));
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/identities/',
      headers: { 'x-environment-key': t.environments[0].clientKey },
      payload: { identifier: 'u', traits: [...traits, { trait_key: 'bad', trait_value: { nested: 1 } }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      detail: 'body/traits/3/trait_value must be string or number or boolean or null (got object).',
    });
  });

  it('keeps OFREP’s error shape, with the message as errorDetails', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/x',
      headers: { 'x-api-key': t.environments[0].clientKey },
      payload: { context: 'not an object' },
    });
    expect(response.json()).toEqual({
      key: 'x',
      errorCode: 'INVALID_CONTEXT',
      errorDetails: 'body/context must be object (got string).',
      metadata: { code: 'invalid_request' },
    });
  });

  it('names query parameters the same way', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/admin/v1/projects/${t.projectId}/features?limit=0`,
      headers: t.admin,
    });
    expect(response.json().error.message).toBe('querystring/limit must be >= 1.');
  });
});
