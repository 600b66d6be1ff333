import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  adminClient,
  changeTablesSnapshot as everything,
} from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('change requests routes', (getDatabase) => {
  let t: TestApp;
  /** The author, and two reviewers: three admin tokens are three actors. */
  let author: AdminCall;
  let reviewer: AdminCall;
  let second: AdminCall;
  let development: string;
  let production: string;
  const db = () => getDatabase().db;
  const requests = (environment = production) => `/environments/${environment}/change-requests`;

  const ok = async (call: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200) => {
    const response = await call;
    expect(response.statusCode, response.body).toBe(status);
    // biome-ignore lint/suspicious/noExplicitAny: tests read payloads ad hoc.
    return response.json() as any;
  };
  const refused = async (call: () => Promise<{ statusCode: number; json(): unknown }>) => {
    const before = await everything(db());
    const response = await call();
    const body = response.json() as { error: { code: string; message: string } };
    return {
      status: response.statusCode,
      code: body.error?.code,
      message: body.error?.message,
      changed: (await everything(db())) !== before,
    };
  };
  const state = async (feature: string, environment = production) =>
    ok(author('GET', `/environments/${environment}/feature-states/${feature}`));
  const propose = (body: unknown, environment = production) =>
    ok(author('POST', requests(environment), body), 201);
  const approveBy = async (id: string, environment = production) => {
    await ok(reviewer('POST', `${requests(environment)}/${id}/approve`));
    return ok(second('POST', `${requests(environment)}/${id}/approve`));
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    author = adminClient(t.app, t.admin);
    const tokens: string[] = [];
    for (const name of ['reviewer', 'second reviewer']) {
      tokens.push((await ok(author('POST', '/admin-tokens', { name }), 201)).token);
    }
    reviewer = adminClient(t.app, { authorization: `Bearer ${tokens[0]}` });
    second = adminClient(t.app, { authorization: `Bearer ${tokens[1]}` });
    [development, production] = t.environments.map((e) => e.id);
    for (const [key, type] of [
      ['banner', 'string'],
      ['dark_mode', 'boolean'],
      ['limit', 'number'],
    ] as const) {
      await ok(author('POST', `/projects/${t.projectId}/features`, { key, type }), 201);
    }
    await ok(
      author('POST', `/projects/${t.projectId}/segments`, {
        name: 'beta',
        rules: [{ type: 'ALL', conditions: [{ property: 'beta', operator: 'EQUAL', value: 'true' }] }],
      }),
      201,
    );
    for (const environment of [development, production]) {
      await ok(author('POST', `/environments/${environment}/identities`, { identifier: 'user-1' }), 201);
    }
    expect(await ok(author('PATCH', `/environments/${production}`, { requires_approval: 2 }))).toMatchObject({
      requires_approval: 2,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('protection', () => {
    it('refuses direct changes to a protected environment, naming the route to propose them with', async () => {
      const attempts: [string, string, unknown][] = [
        ['PATCH', `/environments/${production}/feature-states/banner`, { enabled: true }],
        [
          'POST',
          `/environments/${production}/segment-overrides`,
          { segment_id: 'beta', feature_id: 'banner', enabled: true },
        ],
        ['PUT', `/environments/${production}/identities/user-1/overrides/banner`, { enabled: true }],
        ['DELETE', `/environments/${production}/identities/user-1/overrides/banner`, undefined],
      ];
      for (const [method, url, body] of attempts) {
        const result = await refused(() =>
          t.app.inject({
            method: method as 'PUT',
            url: `/api/admin/v1${url}`,
            headers: t.admin,
            ...(body === undefined ? {} : { payload: body as object }),
          }),
        );
        expect(result, `${method} ${url}`).toMatchObject({
          status: 409,
          code: 'change_request_required',
          changed: false,
        });
        expect(result.message).toContain(`/api/admin/v1/environments/${production}/change-requests`);
      }
    });

    it('leaves unprotected environments alone, and lifting the protection lets direct changes in again', async () => {
      await ok(author('PATCH', `/environments/${development}/feature-states/limit`, { value: 3 }));
      const staging = await ok(
        author('POST', `/projects/${t.projectId}/environments`, { key: 'qa', name: 'QA' }),
        201,
      );
      expect(staging.requires_approval).toBeNull();
      const before = staging.updated_at;
      const protectedOne = await ok(author('PATCH', `/environments/${staging.id}`, { requires_approval: 1 }));
      // Who may change an environment is not what SDKs evaluate: no change is recorded.
      expect(protectedOne).toMatchObject({ requires_approval: 1, updated_at: before });
      expect(
        (await author('PATCH', `/environments/${staging.id}/feature-states/limit`, { value: 4 })).statusCode,
      ).toBe(409);
      await ok(author('PATCH', `/environments/${staging.id}`, { requires_approval: null }));
      expect(
        (await ok(author('PATCH', `/environments/${staging.id}/feature-states/limit`, { value: 4 }))).value,
      ).toBe(4);
    });
  });

  describe('approval rules', () => {
    it('needs N approvals by others than the author, then commits every change at once', async () => {
      const request = await propose({
        title: 'Launch the banner',
        changes: [
          { kind: 'feature_state', feature: 'banner', enabled: true, value: 'launch' },
          {
            kind: 'segment_override',
            segment: 'beta',
            feature: 'banner',
            enabled: true,
            value: 'beta users',
          },
          {
            kind: 'identity_override',
            identity: 'user-1',
            feature: 'banner',
            enabled: true,
            value: 'just you',
          },
        ],
      });
      expect(request).toMatchObject({
        status: 'open',
        revision: 1,
        required_approvals: 2,
        approvals: [],
        author: { kind: 'token' },
      });
      const url = `${requests()}/${request.id}`;

      expect(await refused(() => author('POST', `${url}/approve`))).toMatchObject({
        status: 403,
        code: 'cannot_approve_own_change_request',
        changed: false,
      });
      const once = await ok(reviewer('POST', `${url}/approve`));
      expect(once).toMatchObject({ status: 'open', approvals: [{ actor: { kind: 'token' } }] });
      // The same reviewer twice is still one approval.
      expect((await ok(reviewer('POST', `${url}/approve`))).approvals).toHaveLength(1);
      expect(await refused(() => author('POST', `${url}/commit`))).toMatchObject({
        status: 409,
        code: 'change_request_not_approved',
        changed: false,
      });
      expect((await state('banner')).enabled).toBe(false);

      const approved = await ok(second('POST', `${url}/approve`));
      expect(approved).toMatchObject({ status: 'approved' });
      expect(approved.approvals).toHaveLength(2);

      const detail = await ok(author('GET', url));
      expect(detail.diff).toEqual([
        {
          kind: 'feature_state',
          target: "feature 'banner'",
          current: { enabled: false, value: null, variants: [], rollout_percentage: null },
          proposed: { enabled: true, value: 'launch', variants: [], rollout_percentage: null },
          moved: false,
        },
        {
          kind: 'segment_override',
          target: "the override of feature 'banner' for segment 'beta'",
          current: null,
          proposed: { enabled: true, value: 'beta users', variants: [], rollout_percentage: null },
          moved: false,
        },
        {
          kind: 'identity_override',
          target: "the override of feature 'banner' for identity 'user-1'",
          current: null,
          proposed: { enabled: true, value: 'just you' },
          moved: false,
        },
      ]);

      const committed = await ok(author('POST', `${url}/commit`));
      expect(committed).toMatchObject({ status: 'committed', closed_by: { kind: 'token' } });
      expect(await state('banner')).toMatchObject({ enabled: true, value: 'launch' });
      const overrides = await ok(
        author('GET', `/environments/${production}/segment-overrides?feature_id=banner`),
      );
      expect(overrides.items).toMatchObject([{ enabled: true, value: 'beta users' }]);
      const identity = await ok(author('GET', `/environments/${production}/identities/user-1`));
      expect(identity.overrides).toMatchObject([{ feature_key: 'banner', enabled: true, value: 'just you' }]);
      // SDKs see it: the client key of production now gets the committed value.
      const flags = await t.app.inject({
        url: '/api/v1/flags/',
        headers: { 'x-environment-key': t.environments[1].clientKey },
      });
      expect(
        flags.json().find((f: { feature: { name: string } }) => f.feature.name === 'banner'),
      ).toMatchObject({
        enabled: true,
        feature_state_value: 'launch',
      });

      expect(await refused(() => author('POST', `${url}/commit`))).toMatchObject({
        status: 409,
        code: 'change_request_closed',
        changed: false,
      });
    });

    it('starts the approvals over when the author revises the changes', async () => {
      const request = await propose({
        title: 'Raise the limit',
        changes: [{ kind: 'feature_state', feature: 'limit', enabled: true, value: 10 }],
      });
      const url = `${requests()}/${request.id}`;
      await ok(reviewer('POST', `${url}/approve?revision=1`));

      const titled = await ok(author('PATCH', url, { title: 'Raise the limit to 10' }));
      expect(titled).toMatchObject({ revision: 1, title: 'Raise the limit to 10' });
      expect(titled.approvals).toHaveLength(1);

      const revised = await ok(
        author('PATCH', url, {
          changes: [{ kind: 'feature_state', feature: 'limit', enabled: true, value: 20 }],
        }),
      );
      expect(revised).toMatchObject({ revision: 2, status: 'open', approvals: [] });
      expect(await refused(() => second('POST', `${url}/approve?revision=1`))).toMatchObject({
        status: 409,
        code: 'change_request_revised',
        changed: false,
      });
      expect(await refused(() => reviewer('PATCH', url, { title: 'Mine now' }))).toMatchObject({
        status: 403,
        code: 'not_change_request_author',
        changed: false,
      });
      await approveBy(request.id);
      await ok(author('POST', `${url}/commit`));
      expect((await state('limit')).value).toBe(20);
    });

    it('lets others reject and only the author cancel', async () => {
      const changes = [{ kind: 'feature_state', feature: 'dark_mode', enabled: true }];
      const rejected = await propose({ title: 'Dark mode', changes });
      const url = `${requests()}/${rejected.id}`;
      expect(await refused(() => author('POST', `${url}/reject`))).toMatchObject({
        status: 403,
        code: 'cannot_reject_own_change_request',
      });
      expect(await ok(reviewer('POST', `${url}/reject`))).toMatchObject({
        status: 'rejected',
        closed_by: { kind: 'token' },
      });
      expect(await refused(() => second('POST', `${url}/approve`))).toMatchObject({
        status: 409,
        code: 'change_request_closed',
        changed: false,
      });

      const cancelled = await propose({ title: 'Dark mode again', changes });
      const other = `${requests()}/${cancelled.id}`;
      expect(await refused(() => reviewer('POST', `${other}/cancel`))).toMatchObject({
        status: 403,
        code: 'not_change_request_author',
        changed: false,
      });
      expect(await ok(author('POST', `${other}/cancel`))).toMatchObject({ status: 'cancelled' });
      expect((await state('dark_mode')).enabled).toBe(false);

      const listed = await ok(author('GET', `${requests()}?status=cancelled`));
      expect(listed.items.map((r: { id: string }) => r.id)).toEqual([cancelled.id]);
    });
  });

  describe('commit', () => {
    it('refuses a request whose target another commit moved, naming it: exactly one of two wins', async () => {
      const changes = (value: string) => [{ kind: 'feature_state', feature: 'banner', value }];
      const first = await propose({ title: 'First', changes: changes('first') });
      const rival = await propose({ title: 'Rival', changes: changes('rival') });
      await approveBy(first.id);
      await approveBy(rival.id);
      await ok(author('POST', `${requests()}/${first.id}/commit`));

      const result = await refused(() => author('POST', `${requests()}/${rival.id}/commit`));
      expect(result).toMatchObject({ status: 409, code: 'conflict', changed: false });
      expect(result.message).toContain("feature 'banner' was changed at");
      expect((await state('banner')).value).toBe('first');
      const detail = await ok(author('GET', `${requests()}/${rival.id}`));
      expect(detail).toMatchObject({ status: 'approved', diff: [{ moved: true }] });

      // Proposed again against what is there now, it goes through.
      await ok(author('PATCH', `${requests()}/${rival.id}`, { changes: changes('rival') }));
      await approveBy(rival.id);
      await ok(author('POST', `${requests()}/${rival.id}/commit`));
      expect((await state('banner')).value).toBe('rival');
    });

    it('notices a direct change made since the proposal on an unprotected environment', async () => {
      const request = await propose(
        { title: 'Dev limit', changes: [{ kind: 'feature_state', feature: 'limit', value: 7 }] },
        development,
      );
      await ok(reviewer('POST', `${requests(development)}/${request.id}/approve`));
      await ok(author('PATCH', `/environments/${development}/feature-states/limit`, { value: 8 }));
      expect(
        await refused(() => author('POST', `${requests(development)}/${request.id}/commit`)),
      ).toMatchObject({
        status: 409,
        code: 'conflict',
        changed: false,
      });
      expect((await state('limit', development)).value).toBe(8);
    });

    it('applies all changes or none: a target gone at commit leaves the others untouched', async () => {
      const segment = await ok(
        author('POST', `/projects/${t.projectId}/segments`, {
          name: 'doomed',
          rules: [{ type: 'ALL', conditions: [{ property: 'x', operator: 'IS_SET' }] }],
        }),
        201,
      );
      // The override exists when proposed, so the request changes it rather than creating it.
      const create = await propose({
        title: 'Doomed override',
        changes: [{ kind: 'segment_override', segment: 'doomed', feature: 'limit', enabled: true, value: 1 }],
      });
      await approveBy(create.id);
      await ok(author('POST', `${requests()}/${create.id}/commit`));

      const before = await state('dark_mode');
      const request = await propose({
        title: 'Two changes',
        changes: [
          { kind: 'feature_state', feature: 'dark_mode', enabled: !before.enabled },
          { kind: 'segment_override', segment: 'doomed', feature: 'limit', value: 2 },
        ],
      });
      await approveBy(request.id);
      // Segments are project-wide, so deleting one is not a change of the protected environment.
      expect((await author('DELETE', `/segments/${segment.id}`)).statusCode).toBe(204);

      const result = await refused(() => author('POST', `${requests()}/${request.id}/commit`));
      expect(result).toMatchObject({ status: 409, code: 'conflict', changed: false });
      expect(result.message).toContain("segment 'doomed'");
      expect(await state('dark_mode')).toEqual(before);
      expect((await ok(author('GET', `${requests()}/${request.id}`))).status).toBe('approved');
    });

    it('reorders, edits and removes segment overrides in one commit, as the console proposes them', async () => {
      const overrides = `/environments/${development}/segment-overrides`;
      for (const [priority, name] of ['first', 'second', 'dropped'].entries()) {
        await ok(
          author('POST', `/projects/${t.projectId}/segments`, {
            name,
            rules: [{ type: 'ALL', conditions: [{ property: name, operator: 'EQUAL', value: 'yes' }] }],
          }),
          201,
        );
        const body = {
          segment_id: name,
          feature_id: 'banner',
          enabled: true,
          value: name,
          priority: priority * 10,
        };
        await ok(author('POST', overrides, body), 201);
      }
      // The second moves to the top (the console renumbers 0, 10, …), the first gets a new value.
      const request = await propose(
        {
          title: 'Second first',
          changes: [
            { kind: 'segment_override', segment: 'second', feature: 'banner', priority: 0 },
            { kind: 'segment_override', segment: 'first', feature: 'banner', priority: 10, value: 'renamed' },
            { kind: 'segment_override', segment: 'dropped', feature: 'banner', delete: true },
          ],
        },
        development,
      );
      const url = `${requests(development)}/${request.id}`;
      const { diff } = await ok(author('GET', url));
      expect(
        diff.map((d: { current: { priority: number } | null; proposed: { priority: number } | null }) => [
          d.current?.priority,
          d.proposed?.priority ?? null,
        ]),
      ).toEqual([
        [10, 0],
        [0, 10],
        [20, null],
      ]);
      await ok(reviewer('POST', `${url}/approve`));
      await ok(author('POST', `${url}/commit`));

      const stored = await ok(author('GET', `${overrides}?feature_id=banner`));
      const byPriority = [...stored.items].sort((a, b) => a.priority - b.priority);
      expect(byPriority.map((o: { value: string; priority: number }) => [o.value, o.priority])).toEqual([
        ['second', 0],
        ['renamed', 10],
      ]);
      // Someone in both segments now gets the second's override.
      const identity = await t.app.inject({
        method: 'POST',
        url: '/api/v1/identities/',
        headers: { 'x-environment-key': t.environments[0].clientKey },
        payload: {
          identifier: 'in-both',
          transient: true,
          traits: [
            { trait_key: 'first', trait_value: 'yes' },
            { trait_key: 'second', trait_value: 'yes' },
          ],
        },
      });
      expect(
        identity.json().flags.find((f: { feature: { name: string } }) => f.feature.name === 'banner'),
      ).toMatchObject({ enabled: true, feature_state_value: 'second' });
    });

    it('refuses a proposal with one invalid change whole, with the direct route’s code', async () => {
      expect(
        await refused(() =>
          author('POST', requests(), {
            title: 'Half wrong',
            changes: [
              { kind: 'feature_state', feature: 'banner', value: 'fine' },
              { kind: 'feature_state', feature: 'limit', value: 'not a number' },
            ],
          }),
        ),
      ).toMatchObject({ status: 400, code: 'invalid_value', changed: false });
    });
  });

  describe('bad input', () => {
    const change = { kind: 'feature_state', feature: 'banner', enabled: true };
    const cases: [string, string, string, unknown, number, string][] = [
      ['malformed JSON', 'POST', '', '{"title":', 400, 'malformed_json'],
      ['a missing title', 'POST', '', { changes: [change] }, 400, 'invalid_request'],
      ['an empty title', 'POST', '', { title: '', changes: [change] }, 400, 'invalid_request'],
      ['no changes', 'POST', '', { title: 'x', changes: [] }, 400, 'invalid_request'],
      ['101 changes', 'POST', '', { title: 'x', changes: Array(101).fill(change) }, 400, 'invalid_request'],
      [
        'an unknown kind',
        'POST',
        '',
        { title: 'x', changes: [{ ...change, kind: 'feature' }] },
        400,
        'invalid_request',
      ],
      [
        'a change without kind',
        'POST',
        '',
        { title: 'x', changes: [{ feature: 'banner' }] },
        400,
        'invalid_request',
      ],
      [
        'a field of another kind',
        'POST',
        '',
        { title: 'x', changes: [{ ...change, segment: 'beta' }] },
        400,
        'invalid_request',
      ],
      [
        'a wrong type',
        'POST',
        '',
        { title: 'x', changes: [{ ...change, enabled: 'yes' }] },
        400,
        'invalid_request',
      ],
      [
        'an unknown property',
        'POST',
        '',
        { title: 'x', changes: [change], status: 'approved' },
        400,
        'invalid_request',
      ],
      [
        'a time without zone',
        'POST',
        '',
        { title: 'x', changes: [change], scheduled_at: '2030-01-01 09:00' },
        400,
        'invalid_request',
      ],
      [
        'an unknown feature',
        'POST',
        '',
        { title: 'x', changes: [{ ...change, feature: 'nope' }] },
        404,
        'feature_not_found',
      ],
      [
        'an unknown segment',
        'POST',
        '',
        {
          title: 'x',
          changes: [{ kind: 'segment_override', segment: 'nope', feature: 'banner', enabled: true }],
        },
        404,
        'segment_not_found',
      ],
      [
        'an unknown identity',
        'POST',
        '',
        {
          title: 'x',
          changes: [{ kind: 'identity_override', identity: 'nobody', feature: 'banner', enabled: true }],
        },
        404,
        'identity_not_found',
      ],
      [
        'two changes to one target',
        'POST',
        '',
        { title: 'x', changes: [change, change] },
        400,
        'duplicate_change_target',
      ],
      [
        'an identity override without enabled',
        'POST',
        '',
        { title: 'x', changes: [{ kind: 'identity_override', identity: 'user-1', feature: 'dark_mode' }] },
        400,
        'enabled_required',
      ],
      [
        'a new segment override without enabled',
        'POST',
        '',
        { title: 'x', changes: [{ kind: 'segment_override', segment: 'beta', feature: 'dark_mode' }] },
        400,
        'enabled_required',
      ],
      [
        'removing an override that does not exist',
        'POST',
        '',
        {
          title: 'x',
          changes: [{ kind: 'identity_override', identity: 'user-1', feature: 'limit', delete: true }],
        },
        404,
        'identity_override_not_found',
      ],
      ['an unknown status filter', 'GET', '?status=merged', undefined, 400, 'invalid_request'],
      ['a zero limit', 'GET', '?limit=0', undefined, 400, 'invalid_request'],
      ['an unknown request', 'GET', '/0123456789abcdef', undefined, 404, 'change_request_not_found'],
      ['an id with a slash', 'GET', '/a%2Fb', undefined, 400, 'invalid_request'],
      [
        'revising an unknown request',
        'PATCH',
        '/0123456789abcdef',
        { title: 'x' },
        404,
        'change_request_not_found',
      ],
      ['revising with no changes', 'PATCH', '/:open', { changes: [] }, 400, 'invalid_request'],
      [
        'revising with an unknown property',
        'PATCH',
        '/:open',
        { status: 'approved' },
        400,
        'invalid_request',
      ],
      [
        'approving a revision that is not a number',
        'POST',
        '/:open/approve?revision=first',
        undefined,
        400,
        'invalid_request',
      ],
      [
        'approving an unknown request',
        'POST',
        '/0123456789abcdef/approve',
        undefined,
        404,
        'change_request_not_found',
      ],
      [
        'rejecting an unknown request',
        'POST',
        '/0123456789abcdef/reject',
        undefined,
        404,
        'change_request_not_found',
      ],
      [
        'cancelling an unknown request',
        'POST',
        '/0123456789abcdef/cancel',
        undefined,
        404,
        'change_request_not_found',
      ],
      [
        'committing an unknown request',
        'POST',
        '/0123456789abcdef/commit',
        undefined,
        404,
        'change_request_not_found',
      ],
    ];
    let open: string;
    beforeAll(async () => {
      open = (await propose({ title: 'Stays open', changes: [change] })).id;
    });

    it.each(cases)('refuses %s and changes nothing', async (_what, method, suffix, body, status, code) => {
      const url = `${requests()}${suffix.replace(':open', open)}`;
      expect(await refused(() => author(method as 'POST', url, body))).toMatchObject({
        status,
        code,
        changed: false,
      });
    });

    it('refuses the routes of another organisation’s or an unknown environment, and callers without a token', async () => {
      for (const url of [
        requests('nope'),
        `${requests('nope')}/${open}`,
        `${requests('nope')}/${open}/approve`,
      ]) {
        const method = url.endsWith('approve') ? 'POST' : 'GET';
        expect(await refused(() => reviewer(method, url))).toMatchObject({
          status: 404,
          code: 'environment_not_found',
        });
      }
      expect(
        await refused(() => t.app.inject({ method: 'POST', url: `/api/admin/v1${requests()}`, payload: {} })),
      ).toMatchObject({ status: 401, code: 'unauthorized', changed: false });
    });

    it('says which kinds a change may have', async () => {
      const response = await author('POST', requests(), { title: 'x', changes: [{ kind: 'flag' }] });
      expect(response.json().error.message).toBe(
        "body/changes/0/kind must be one of: feature_state, segment_override, identity_override (got 'flag').",
      );
    });

    it.each([
      ['zero approvals', { requires_approval: 0 }],
      ['more than 20', { requires_approval: 21 }],
      ['a string', { requires_approval: '2' }],
      ['a fraction', { requires_approval: 1.5 }],
    ])('refuses protecting an environment with %s', async (_what, body) => {
      expect(await refused(() => author('PATCH', `/environments/${production}`, body))).toMatchObject({
        status: 400,
        code: 'invalid_request',
        changed: false,
      });
    });
  });
});
