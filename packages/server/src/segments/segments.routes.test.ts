import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  adminClient,
  rejection,
  type SeededProject,
  seedProject,
} from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

type Body = Record<string, unknown>;
const condition = (operator: string, value: unknown = 'x', property = 'plan') => ({
  property,
  operator,
  value,
});
const rule = (conditions: Body[] = [], rules: Body[] = [], type = 'ALL') => ({ type, conditions, rules });
/** A chain of `depth` rules, each the only sub-rule of the one above. */
const nested = (depth: number): Body =>
  depth === 1 ? rule([condition('EQUAL')]) : rule([], [nested(depth - 1)]);

describeEachDialect('segments routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let foreign: SeededProject;
  const db = () => getDatabase().db;
  const collection = () => `/projects/${t.projectId}/segments`;
  const environmentTimes = async () =>
    (
      await db()
        .selectFrom('environments')
        .select('updated_at')
        .where('project_id', '=', t.projectId)
        .orderBy('id')
        .execute()
    ).map((row) => row.updated_at);
  /** Runs a mutation and checks it bumped both environments of the project. */
  const bumping = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = await environmentTimes();
    const result = await work();
    const after = await environmentTimes();
    for (const [i, time] of after.entries()) expect(time > before[i]).toBe(true);
    return result;
  };
  const create = async (body: Body) => {
    const response = await api('POST', collection(), body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    foreign = await seedProject(db());
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('create and read', () => {
    it('creates a segment, filling in empty lists and null values the way the engine reads them', async () => {
      const segment = await bumping(() =>
        create({
          name: 'beta users',
          description: 'Opted in',
          rules: [
            {
              type: 'ALL',
              rules: [
                {
                  type: 'ANY',
                  conditions: [
                    { property: 'email', operator: 'REGEX', value: '.*@example\\.com$' },
                    { property: 'plan', operator: 'IN', value: ['pro', 'team'] },
                    { property: 'beta', operator: 'IS_SET' },
                    { property: '$.identity.identifier', operator: 'EQUAL', value: 'alice' },
                  ],
                },
              ],
            },
            { type: 'NONE', conditions: [{ property: 'user_id', operator: 'MODULO', value: '4|1' }] },
            { type: 'ALL', conditions: [{ property: '', operator: 'PERCENTAGE_SPLIT', value: '12.5' }] },
            {
              type: 'ALL',
              conditions: [{ property: 'version', operator: 'GREATER_THAN', value: '1.2.0:semver' }],
            },
          ],
        }),
      );
      expect(segment).toMatchObject({ name: 'beta users', description: 'Opted in', project_id: t.projectId });
      expect(segment.rules).toEqual([
        {
          type: 'ALL',
          conditions: [],
          rules: [
            {
              type: 'ANY',
              conditions: [
                { property: 'email', operator: 'REGEX', value: '.*@example\\.com$' },
                { property: 'plan', operator: 'IN', value: ['pro', 'team'] },
                { property: 'beta', operator: 'IS_SET', value: null },
                { property: '$.identity.identifier', operator: 'EQUAL', value: 'alice' },
              ],
              rules: [],
            },
          ],
        },
        { type: 'NONE', conditions: [{ property: 'user_id', operator: 'MODULO', value: '4|1' }], rules: [] },
        {
          type: 'ALL',
          conditions: [{ property: '', operator: 'PERCENTAGE_SPLIT', value: '12.5' }],
          rules: [],
        },
        {
          type: 'ALL',
          conditions: [{ property: 'version', operator: 'GREATER_THAN', value: '1.2.0:semver' }],
          rules: [],
        },
      ]);
      const row = await db()
        .selectFrom('segments')
        .selectAll()
        .where('id', '=', segment.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.rules)).toEqual(segment.rules);
      expect(row.hash_key).toMatch(/^[0-9a-f]{32}$/);
      // Shown so that the console's "try it" splits percentages as evaluation does.
      expect(segment.hash_key).toBe(row.hash_key);
      expect((await api('GET', `/segments/${segment.id}`)).json()).toEqual(segment);
    });

    it('accepts rules nested exactly 5 deep, and a rule with no conditions (it matches everyone)', async () => {
      expect(
        (await create({ name: 'deep', rules: [nested(5)] })).rules[0].rules[0].rules[0].rules[0].rules[0]
          .conditions,
      ).toHaveLength(1);
      expect(await create({ name: 'empty', rules: [{ type: 'ALL' }] })).toMatchObject({
        rules: [{ type: 'ALL', conditions: [], rules: [] }],
        description: '',
      });
    });

    it('refuses a segment with no rules, which could never match, saying how to write one', async () => {
      for (const body of [{ name: 'never' }, { name: 'never', rules: [] }]) {
        expect(await rejection(db(), () => api('POST', collection(), body))).toEqual({
          status: 400,
          code: 'segment_rules_required',
          changed: false,
        });
      }
      const response = await api('PATCH', `/segments/${encodeURIComponent('beta users')}`, { rules: [] });
      expect(response.json().error.message).toMatch(
        /^A segment with no rules never matches anyone; send at least/,
      );
    });

    it('lists segments in pages', async () => {
      const first = (await api('GET', `${collection()}?limit=2`)).json();
      expect(first.items.map((s: Body) => s.name)).toEqual(['beta users', 'deep']);
      const rest = (await api('GET', `${collection()}?limit=2&cursor=${first.next_cursor}`)).json();
      expect(rest).toMatchObject({ items: [{ name: 'empty' }], next_cursor: null });
    });

    it('refuses a name already used in the project with 409', async () => {
      const body = { name: 'deep', rules: [{ type: 'ALL' }] };
      expect(await rejection(db(), () => api('POST', collection(), body))).toEqual({
        status: 409,
        code: 'segment_name_taken',
        changed: false,
      });
    });

    it('keeps segments of other organisations out of reach', async () => {
      for (const [method, url, body] of [
        ['GET', `/segments/${foreign.segmentId}`],
        ['PATCH', `/segments/${foreign.segmentId}`, { name: 'mine' }],
        ['DELETE', `/segments/${foreign.segmentId}`],
        ['GET', `/projects/${foreign.projectId}/segments`],
        ['POST', `/projects/${foreign.projectId}/segments`, { name: 'mine' }],
        ['GET', '/segments/nope'],
      ] as const) {
        const result = await rejection(db(), () => api(method, url, body));
        expect(result.status, `${method} ${url}`).toBe(404);
        expect(result.changed).toBe(false);
        expect(result.code).toBe(url.startsWith('/projects') ? 'project_not_found' : 'segment_not_found');
      }
    });
  });

  describe('validation', () => {
    const tooManyConditions = [
      rule(Array.from({ length: 60 }, () => condition('EQUAL'))),
      rule([], [rule(Array.from({ length: 41 }, () => condition('EQUAL')))]),
    ];
    it.each([
      [
        'a pattern RE2 cannot compile',
        [rule([condition('EQUAL'), condition('REGEX', '(unclosed')])],
        'invalid_regex',
      ],
      ['a look-ahead, which RE2 does not run', [rule([condition('REGEX', '(?=a)a')])], 'invalid_regex'],
      ['a REGEX without a pattern', [rule([condition('REGEX', null)])], 'invalid_regex'],
      ['a MODULO without a remainder', [rule([condition('MODULO', '4')])], 'invalid_modulo'],
      ['a MODULO by zero', [rule([condition('MODULO', '0|1')])], 'invalid_modulo'],
      ['a MODULO of words', [rule([condition('MODULO', 'four|one')])], 'invalid_modulo'],
      ['a MODULO with three parts', [rule([condition('MODULO', '4|1|2')])], 'invalid_modulo'],
      [
        'a PERCENTAGE_SPLIT over 100',
        [rule([condition('PERCENTAGE_SPLIT', '100.5', '')])],
        'invalid_percentage_split',
      ],
      [
        'a negative PERCENTAGE_SPLIT',
        [rule([condition('PERCENTAGE_SPLIT', '-1', '')])],
        'invalid_percentage_split',
      ],
      [
        'a PERCENTAGE_SPLIT that is not a number',
        [rule([condition('PERCENTAGE_SPLIT', 'half', '')])],
        'invalid_percentage_split',
      ],
      ['rules nested 6 deep', [nested(6)], 'rules_too_deep'],
      ['rules nested 8 deep', [nested(8)], 'rules_too_deep'],
      // Deeper than any request body may nest, refused before the rules are read.
      ['rules nested 200 deep', [nested(200)], 'json_too_deep'],
      ['101 conditions across rules', tooManyConditions, 'too_many_conditions'],
      ['an empty property', [rule([condition('EQUAL', 'x', '')])], 'invalid_condition'],
      ['a list for an operator other than IN', [rule([condition('EQUAL', ['a', 'b'])])], 'invalid_condition'],
      [
        'an IN list over 10,000 characters',
        [
          rule([
            condition(
              'IN',
              Array.from({ length: 11 }, () => 'x'.repeat(1000)),
            ),
          ]),
        ],
        'condition_value_too_long',
      ],
      ['an unknown operator', [rule([condition('STARTS_WITH')])], 'invalid_request'],
      ['an unknown rule type', [rule([], [], 'SOME')], 'invalid_request'],
      ['a value over 10,000 characters', [rule([condition('EQUAL', 'x'.repeat(10_001))])], 'invalid_request'],
      [
        'a property over 1,000 characters',
        [rule([condition('EQUAL', 'x', 'p'.repeat(1001))])],
        'invalid_request',
      ],
      ['a number as a value', [rule([condition('EQUAL', 5)])], 'invalid_request'],
      [
        'an unknown property in a condition',
        [{ type: 'ALL', conditions: [{ ...condition('EQUAL'), negate: true }] }],
        'invalid_request',
      ],
      ['an unknown property in a rule', [{ ...rule(), id: 3 }], 'invalid_request'],
    ])('refuses %s with 400 and changes nothing, on create and on update', async (_what, rules, code) => {
      expect(await rejection(db(), () => api('POST', collection(), { name: `bad ${_what}`, rules }))).toEqual(
        {
          status: 400,
          code,
          changed: false,
        },
      );
      const [segment] = (await api('GET', `${collection()}?limit=1`)).json().items;
      expect(await rejection(db(), () => api('PATCH', `/segments/${segment.id}`, { rules }))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });

    it('names the offending condition', async () => {
      const response = await api('POST', collection(), {
        name: 'named',
        rules: [
          rule([condition('EQUAL')]),
          rule([], [rule([condition('EQUAL'), condition('REGEX', '[z-a]')])]),
        ],
      });
      expect(response.json().error).toMatchObject({
        code: 'invalid_regex',
        details: { condition: 'rules[1].rules[0].conditions[1]' },
      });
      expect(response.json().error.message).toContain('rules[1].rules[0].conditions[1]');
    });

    it.each([
      ['an unknown property', { name: 'x', colour: 'red' }, 'invalid_request'],
      ['an empty name', { name: '' }, 'invalid_request'],
      ['a name over 200 characters', { name: 'n'.repeat(201) }, 'invalid_request'],
      ['rules that are not a list', { name: 'x', rules: { type: 'ALL' } }, 'invalid_request'],
      ['malformed JSON', '{"name": "x", "rules": [', 'malformed_json'],
    ])('refuses %s with 400 and changes nothing', async (_what, body, code) => {
      expect(await rejection(db(), () => api('POST', collection(), body))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });
  });

  describe('update and delete', () => {
    it('updates name, description and rules, keeps the hash key, and bumps every environment', async () => {
      const segment = await create({ name: 'editable', rules: [rule([condition('EQUAL')])] });
      const { hash_key } = await db()
        .selectFrom('segments')
        .select('hash_key')
        .where('id', '=', segment.id)
        .executeTakeFirstOrThrow();
      const response = await bumping(() =>
        api('PATCH', `/segments/${segment.id}`, {
          name: 'edited',
          description: 'now',
          rules: [rule([condition('NOT_EQUAL', 'free')])],
        }),
      );
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        name: 'edited',
        description: 'now',
        rules: [rule([condition('NOT_EQUAL', 'free')])],
      });
      expect((await api('GET', `/segments/${segment.id}`)).json()).toEqual(response.json());
      const row = await db()
        .selectFrom('segments')
        .selectAll()
        .where('id', '=', segment.id)
        .executeTakeFirstOrThrow();
      expect(row.hash_key).toBe(hash_key);
      expect(await rejection(db(), () => api('PATCH', `/segments/${segment.id}`, { name: 'deep' }))).toEqual({
        status: 409,
        code: 'segment_name_taken',
        changed: false,
      });
      expect((await api('PATCH', `/segments/${segment.id}`, { name: 'edited' })).statusCode).toBe(200);
    });

    it('deletes a segment with its overrides and bumps every environment', async () => {
      const segment = await create({ name: 'doomed', rules: [{ type: 'ALL' }] });
      const feature = (
        await api('POST', `/projects/${t.projectId}/features`, { key: 'f', type: 'boolean' })
      ).json();
      const override = await api('POST', `/environments/${t.environments[0].id}/segment-overrides`, {
        segment_id: segment.id,
        feature_id: feature.id,
        enabled: true,
      });
      expect(override.statusCode, override.body).toBe(201);
      const response = await bumping(() => api('DELETE', `/segments/${segment.id}`));
      expect(response.statusCode).toBe(204);
      expect((await api('GET', `/segments/${segment.id}`)).statusCode).toBe(404);
      expect(
        await db()
          .selectFrom('segment_overrides')
          .select('id')
          .where('segment_id', '=', segment.id)
          .execute(),
      ).toEqual([]);
    });

    it('refuses callers without a valid token', async () => {
      expect(
        await rejection(db(), () =>
          t.app.inject({ method: 'POST', url: `/api/admin/v1${collection()}`, payload: { name: 'x' } }),
        ),
      ).toEqual({ status: 401, code: 'unauthorized', changed: false });
    });
  });
});
