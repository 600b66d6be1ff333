import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/** An import passes exactly the checks the admin API applies. */
describeEachDialect('checks on imported Flagsmith documents', (getDatabase) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(getDatabase());
  });
  afterAll(() => t.close());

  const importing = (document: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/admin/v1/imports/flagsmith',
      headers: t.admin,
      payload: document,
    });
  const documentWith = (api_key: string, rules: object[] = []) => ({
    api_key,
    project: { name: 'Imported', segments: rules.length ? [{ id: 1, name: 'attack', rules }] : [] },
    feature_states: [],
  });
  const nested = (depth: number): object =>
    depth === 0
      ? { type: 'ALL', conditions: [] }
      : { type: 'ALL', conditions: [], rules: [nested(depth - 1)] };

  it('refuses an api_key that could not be a client key', async () => {
    for (const key of [
      'has space',
      'nul\u0000key',
      '<script>alert(1)</script>',
      'ser.looks-secret',
      'short',
    ]) {
      const response = await importing(documentWith(key));
      expect(response.statusCode, key).toBe(400);
    }
  });

  it('refuses rule trees deeper than the admin API allows, and oversized regexes', async () => {
    const deep = await importing(documentWith('imported_key_0001', [nested(40)]));
    expect(deep.statusCode).toBe(400);
    const regex = await importing(
      documentWith('imported_key_0002', [
        {
          type: 'ALL',
          conditions: [{ property_: 'email', operator: 'REGEX', value: '(?:\\w?){1000}'.repeat(40) }],
        },
      ]),
    );
    expect(regex.statusCode).toBe(400);
    expect(regex.json().error.code).toBe('regex_too_complex');
    const environments = await t.context.db.selectFrom('environments').select('client_key').execute();
    expect(environments.map((e) => e.client_key)).not.toContain('imported_key_0002');
  });
});
