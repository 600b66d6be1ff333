import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../storage/tables.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { type Browser, createPerson, grant, signIn, TEST_PASSWORD } from '../testing/people.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const PREFIX = '/api/admin/v1';

/** Every row the people routes write, to show a refused request changed nothing. */
async function peopleTables(db: Kysely<Tables>) {
  return {
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    sessions: await db.selectFrom('sessions').selectAll().orderBy('id').execute(),
    invitations: await db.selectFrom('invitations').selectAll().orderBy('id').execute(),
    members: await db.selectFrom('project_members').selectAll().orderBy('user_id').execute(),
    tokens: await db.selectFrom('admin_tokens').selectAll().orderBy('id').execute(),
    // A refused request leaves no record either: records are written with the change only.
    audit: await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
  };
}

describeEachDialect('people, invitations and project members', (getDatabase) => {
  let t: TestApp;
  let adminUser: Browser;
  const db = () => getDatabase().db;
  const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({
      method,
      url: `${PREFIX}${url}`,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    await createPerson(db(), t.organisationId, 'admin@example.com', 'admin');
    adminUser = await signIn(t.app, 'admin@example.com');
  });
  afterAll(() => t?.close());

  describe('users', () => {
    it('creates a person who can sign in, and never shows a password hash', async () => {
      const created = await call('POST', '/users', {
        email: 'New.Person@Example.com',
        name: 'New Person',
        password: TEST_PASSWORD,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toEqual({
        id: expect.any(String),
        email: 'new.person@example.com',
        name: 'New Person',
        role: 'member',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const listed = await call('GET', '/users');
      expect(listed.body).not.toMatch(/scrypt|password/);
      expect(listed.json().items.map((u: { email: string }) => u.email)).toContain('new.person@example.com');
      await signIn(t.app, 'new.person@example.com');
      const again = await call('POST', '/users', {
        email: 'new.person@example.com',
        name: 'Twin',
        password: TEST_PASSWORD,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('email_taken');
    });

    it('lets only an owner make, change or remove an owner', async () => {
      const asAdmin = (method: Method, url: string, payload?: unknown) =>
        call(method, url, payload, adminUser.headers);
      const owner = await asAdmin('POST', '/users', {
        email: 'o@example.com',
        name: 'O',
        password: TEST_PASSWORD,
        role: 'owner',
      });
      expect(owner.statusCode).toBe(403);
      expect(owner.json().error.message).toBe('Only an owner can make someone an owner; you are admin.');
      const realOwner = (
        await call('POST', '/users', {
          email: 'o@example.com',
          name: 'O',
          password: TEST_PASSWORD,
          role: 'owner',
        })
      ).json();
      expect((await asAdmin('PATCH', `/users/${realOwner.id}`, { role: 'member' })).statusCode).toBe(403);
      expect((await asAdmin('DELETE', `/users/${realOwner.id}`)).statusCode).toBe(403);
      const member = (
        await asAdmin('POST', '/users', { email: 'm@example.com', name: 'M', password: TEST_PASSWORD })
      ).json();
      expect((await asAdmin('PATCH', `/users/${member.id}`, { role: 'owner' })).statusCode).toBe(403);
      const promoted = await asAdmin('PATCH', `/users/${member.id}`, { role: 'admin', name: 'Em' });
      expect(promoted.json()).toMatchObject({ role: 'admin', name: 'Em' });
      expect((await call('DELETE', `/users/${realOwner.id}`)).statusCode).toBe(204);
    });

    it('applies a new role at the next request, and a new password signs the person out', async () => {
      const id = await createPerson(db(), t.organisationId, 'demote@example.com', 'admin');
      const browser = await signIn(t.app, 'demote@example.com');
      expect((await call('GET', '/users', undefined, { cookie: browser.cookie })).statusCode).toBe(200);
      await call('PATCH', `/users/${id}`, { role: 'member' });
      expect((await call('GET', '/users', undefined, { cookie: browser.cookie })).statusCode).toBe(403);
      await call('PATCH', `/users/${id}`, { password: 'a brand new password' });
      expect((await call('GET', '/auth/me', undefined, { cookie: browser.cookie })).statusCode).toBe(401);
      await signIn(t.app, 'demote@example.com', 'a brand new password');
    });

    it('keeps the last owner', async () => {
      const owner = await createPerson(db(), t.organisationId, 'last-owner@example.com', 'owner');
      const tokens = (await call('GET', '/admin-tokens')).json().items;
      // With the owner token gone, the person is the last owner.
      const lone = (await call('POST', '/admin-tokens', { name: 'admin-only', role: 'admin' })).json();
      const bearer = { authorization: `Bearer ${lone.token}` };
      const ownerBrowser = await signIn(t.app, 'last-owner@example.com');
      for (const token of tokens) {
        if (token.role === 'owner')
          expect(
            (await call('DELETE', `/admin-tokens/${token.id}`, undefined, ownerBrowser.headers)).statusCode,
          ).toBe(204);
      }
      const owners = (await call('GET', '/users', undefined, bearer))
        .json()
        .items.filter((u: { role: string }) => u.role === 'owner');
      for (const other of owners.filter((u: { id: string }) => u.id !== owner)) {
        await call('DELETE', `/users/${other.id}`, undefined, ownerBrowser.headers);
      }
      const refused = await call('PATCH', `/users/${owner}`, { role: 'admin' }, ownerBrowser.headers);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('last_owner');
      expect(
        (await call('DELETE', `/users/${owner}`, undefined, ownerBrowser.headers)).json().error.code,
      ).toBe('last_owner');
      // Put an owner token back for the tests that follow.
      const restored = (
        await call('POST', '/admin-tokens', { name: 'owner-again', role: 'owner' }, ownerBrowser.headers)
      ).json();
      t.admin.authorization = `Bearer ${restored.token}`;
    });
  });

  describe('invitations', () => {
    it('invites by link; accepting signs the person in with the invited roles, once', async () => {
      const created = await call('POST', '/invitations', {
        email: 'Invitee@Example.com',
        projects: [
          { project_id: 'Default project', role: 'editor', environments: { [t.environments[1].id]: 'view' } },
        ],
      });
      expect(created.statusCode, created.body).toBe(201);
      const invitation = created.json();
      expect(invitation).toEqual({
        id: expect.any(String),
        email: 'invitee@example.com',
        url: `http://localhost:80/accept-invitation#token=${invitation.token}`,
        token: expect.stringMatching(/^inv_/),
        expires_at: expect.any(String),
      });
      const pending = (await call('GET', '/invitations')).json().items;
      expect(pending.map((i: { id: string }) => i.id)).toContain(invitation.id);
      expect(JSON.stringify(pending)).not.toContain(invitation.token);

      const accepted = await call(
        'POST',
        '/auth/accept-invitation',
        { token: invitation.token, name: 'Invitee', password: TEST_PASSWORD },
        {},
      );
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toEqual({
        user: { id: expect.any(String), email: 'invitee@example.com', name: 'Invitee' },
        csrf_token: expect.any(String),
      });
      const cookie = String(accepted.headers['set-cookie']).split(';')[0];
      const me = (await call('GET', '/auth/me', undefined, { cookie })).json();
      expect(me.projects).toEqual([
        {
          project_id: t.projectId,
          project_name: 'Default project',
          role: 'editor',
          environments: { [t.environments[0].id]: 'edit', [t.environments[1].id]: 'view' },
        },
      ]);
      const reused = await call(
        'POST',
        '/auth/accept-invitation',
        { token: invitation.token, name: 'Twice', password: TEST_PASSWORD },
        {},
      );
      expect(reused.statusCode).toBe(404);
      expect(reused.json().error.code).toBe('invitation_not_found');
    });

    it('refuses an expired link, and lets only an owner invite an owner', async () => {
      const invitation = (await call('POST', '/invitations', { email: 'late@example.com' })).json();
      await db()
        .updateTable('invitations')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('id', '=', invitation.id)
        .execute();
      const late = await call(
        'POST',
        '/auth/accept-invitation',
        { token: invitation.token, name: 'Late', password: TEST_PASSWORD },
        {},
      );
      expect(late.statusCode).toBe(404);
      expect(late.json().error.code).toBe('invitation_expired');
      expect(
        await db().selectFrom('users').select('id').where('email', '=', 'late@example.com').execute(),
      ).toEqual([]);
      const owner = await call(
        'POST',
        '/invitations',
        { email: 'boss@example.com', organisation_role: 'owner' },
        adminUser.headers,
      );
      expect(owner.statusCode).toBe(403);
    });

    it('withdraws an invitation, whose link then stops working', async () => {
      const invitation = (await call('POST', '/invitations', { email: 'withdrawn@example.com' })).json();
      expect((await call('DELETE', `/invitations/${invitation.id}`)).statusCode).toBe(204);
      const response = await call(
        'POST',
        '/auth/accept-invitation',
        { token: invitation.token, name: 'W', password: TEST_PASSWORD },
        {},
      );
      expect(response.statusCode).toBe(404);
    });
  });

  describe('project members', () => {
    it('gives, changes and takes a project role', async () => {
      const id = await createPerson(db(), t.organisationId, 'member@example.com', 'member');
      const browser = await signIn(t.app, 'member@example.com');
      const base = `/projects/${t.projectId}/members`;
      expect(
        (await call('GET', `/projects/${t.projectId}`, undefined, { cookie: browser.cookie })).statusCode,
      ).toBe(403);
      const added = await call('POST', base, { user_id: id, role: 'viewer' });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({
        user_id: id,
        email: 'member@example.com',
        role: 'viewer',
        environments: {},
      });
      expect(
        (await call('GET', `/projects/${t.projectId}`, undefined, { cookie: browser.cookie })).statusCode,
      ).toBe(200);
      const changed = await call('PATCH', `${base}/${id}`, {
        role: 'editor',
        environments: { [t.environments[1].id]: 'propose' },
      });
      expect(changed.json()).toMatchObject({
        role: 'editor',
        environments: { [t.environments[1].id]: 'propose' },
      });
      expect((await call('GET', base)).json().items.map((m: { user_id: string }) => m.user_id)).toContain(id);
      expect((await call('DELETE', `${base}/${id}`)).statusCode).toBe(204);
      expect(
        (await call('GET', `/projects/${t.projectId}`, undefined, { cookie: browser.cookie })).statusCode,
      ).toBe(403);
    });
  });

  describe('people who may be added to a project', () => {
    const url = () => `/projects/${t.projectId}/member-candidates`;
    const email = (name: string) => `${name}.candidates@example.com`;
    const as = async (name: string) => (await signIn(t.app, email(name))).headers;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const name of ['lead', 'editor', 'viewer', 'outsider', 'inside', 'newcomer']) {
        ids[name] = await createPerson(db(), t.organisationId, email(name), 'member');
      }
      await grant(db(), t.projectId, ids.lead, 'admin');
      await grant(db(), t.projectId, ids.editor, 'editor');
      await grant(db(), t.projectId, ids.viewer, 'viewer');
      await grant(db(), t.projectId, ids.inside, 'viewer');
    });

    it('lets a project admin who is an ordinary member list them: members not in it yet, by id, name and email', async () => {
      const listed = await call('GET', url(), undefined, await as('lead'));
      expect(listed.statusCode, listed.body).toBe(200);
      const items: { id: string }[] = listed.json().items;
      expect(items.find((p) => p.id === ids.newcomer)).toEqual({
        id: ids.newcomer,
        name: 'newcomer.candidates',
        email: email('newcomer'),
      });
      expect(items.map((p) => p.id)).toContain(ids.outsider);
      // Already in the project, or an organisation admin (every project already): not offered.
      for (const id of [ids.lead, ids.editor, ids.viewer, ids.inside, adminUser.userId]) {
        expect(items.map((p) => p.id)).not.toContain(id);
      }
      // The organisation's own list, with roles, stays for its owners and admins.
      expect((await call('GET', '/users', undefined, await as('lead'))).statusCode).toBe(403);
      expect((await call('GET', url(), undefined, adminUser.headers)).statusCode).toBe(200);
    });

    it('refuses editors, viewers and people without a role there, naming the project', async () => {
      const project = (await call('GET', `/projects/${t.projectId}`)).json().name;
      for (const [name, why] of [
        ['editor', 'you are editor'],
        ['viewer', 'you are viewer'],
        ['outsider', 'you have no role there'],
      ]) {
        const refused = await call('GET', url(), undefined, await as(name));
        expect(refused.statusCode, name).toBe(403);
        expect(refused.json().error.message).toContain(`in project '${project}' (${why})`);
      }
    });
  });

  describe('bad input', () => {
    const cases: [string, Method, string | (() => string), unknown, number, string][] = [
      ['malformed JSON', 'POST', '/users', '{"email"', 400, 'malformed_json'],
      [
        'a user without a password',
        'POST',
        '/users',
        { email: 'x@example.com', name: 'X' },
        400,
        'invalid_request',
      ],
      [
        'a short password',
        'POST',
        '/users',
        { email: 'x@example.com', name: 'X', password: 'short' },
        400,
        'invalid_request',
      ],
      [
        'an email without @',
        'POST',
        '/users',
        { email: 'nobody', name: 'X', password: TEST_PASSWORD },
        400,
        'invalid_request',
      ],
      [
        'an unknown role',
        'POST',
        '/users',
        { email: 'x@example.com', name: 'X', password: TEST_PASSWORD, role: 'god' },
        400,
        'invalid_request',
      ],
      [
        'a chosen id',
        'POST',
        '/users',
        { id: 'mine', email: 'x@example.com', name: 'X', password: TEST_PASSWORD },
        400,
        'invalid_request',
      ],
      ['an unknown user', 'PATCH', '/users/0000', { name: 'Y' }, 404, 'user_not_found'],
      ['an unknown user to read', 'GET', '/users/0000', undefined, 404, 'user_not_found'],
      ['an unknown user to remove', 'DELETE', '/users/0000', undefined, 404, 'user_not_found'],
      ['a zero page size', 'GET', '/users?limit=0', undefined, 400, 'invalid_request'],
      ['an unknown role in a change', 'PATCH', '/users/0000', { role: 'superuser' }, 400, 'invalid_request'],
      ['an empty name in a change', 'PATCH', '/users/0000', { name: '' }, 400, 'invalid_request'],
      ['a short password in a change', 'PATCH', '/users/0000', { password: 'short' }, 400, 'invalid_request'],
      [
        'a malformed invitation id',
        'DELETE',
        '/invitations/not%20an%20id',
        undefined,
        400,
        'invalid_request',
      ],
      [
        'a member of an unknown project',
        'POST',
        '/projects/0123456789abcdef/members',
        { user_id: '0000', role: 'viewer' },
        404,
        'project_not_found',
      ],
      [
        'an unknown member to remove',
        'DELETE',
        () => `/projects/${t.projectId}/members/0000`,
        undefined,
        404,
        'project_member_not_found',
      ],
      [
        'a member change with an unknown role',
        'PATCH',
        () => `/projects/${t.projectId}/members/0000`,
        { role: 'owner' },
        400,
        'invalid_request',
      ],
      [
        'a member change with an unknown field',
        'PATCH',
        () => `/projects/${t.projectId}/members/0000`,
        { role: 'viewer', admin: true },
        400,
        'invalid_request',
      ],
      ['a malformed user id', 'DELETE', '/users/not%20an%20id', undefined, 400, 'invalid_request'],
      ['a password hash in a change', 'PATCH', '/users/0000', { password_hash: 'x' }, 400, 'invalid_request'],
      [
        'sign-in without a password',
        'POST',
        '/auth/sign-in',
        { email: 'admin@example.com' },
        400,
        'invalid_request',
      ],
      [
        'sign-in with a number for an email',
        'POST',
        '/auth/sign-in',
        { email: 5, password: 'x' },
        400,
        'invalid_request',
      ],
      [
        'sign-in with an oversized password',
        'POST',
        '/auth/sign-in',
        { email: 'a@b.c', password: 'x'.repeat(257) },
        400,
        'invalid_request',
      ],
      ['an unknown session', 'DELETE', '/auth/sessions/0000', undefined, 409, 'no_session'],
      [
        'an invitation to an unknown project',
        'POST',
        '/invitations',
        { email: 'p@example.com', projects: [{ project_id: 'nope', role: 'viewer' }] },
        404,
        'project_not_found',
      ],
      [
        'an invitation with a bad project role',
        'POST',
        '/invitations',
        { email: 'p@example.com', projects: [{ project_id: 'Default project', role: 'owner' }] },
        400,
        'invalid_request',
      ],
      [
        'an invitation for someone who has an account',
        'POST',
        '/invitations',
        { email: 'ADMIN@example.com' },
        409,
        'email_taken',
      ],
      [
        'limits for a viewer',
        'POST',
        '/invitations',
        {
          email: 'v@example.com',
          projects: [
            {
              project_id: 'Default project',
              role: 'viewer',
              environments: { '0123456789abcdef0123456789abcdef': 'edit' },
            },
          ],
        },
        400,
        'environment_limits_for_editors',
      ],
      [
        'limits naming another project’s environment',
        'POST',
        '/invitations',
        {
          email: 'v@example.com',
          projects: [
            {
              project_id: 'Default project',
              role: 'editor',
              environments: { '0123456789abcdef0123456789abcdef': 'edit' },
            },
          ],
        },
        400,
        'environment_not_in_project',
      ],
      [
        'an unknown invitation token',
        'POST',
        '/auth/accept-invitation',
        { token: 'inv_guess', name: 'G', password: TEST_PASSWORD },
        404,
        'invitation_not_found',
      ],
      [
        'an acceptance without a name',
        'POST',
        '/auth/accept-invitation',
        { token: 'inv_guess', password: TEST_PASSWORD },
        400,
        'invalid_request',
      ],
      ['an unknown invitation id', 'DELETE', '/invitations/0000', undefined, 404, 'invitation_not_found'],
      [
        'a member who is no one',
        'POST',
        () => `/projects/${t.projectId}/members`,
        { user_id: '0000', role: 'viewer' },
        404,
        'user_not_found',
      ],
      [
        'a member with a bad access',
        'POST',
        () => `/projects/${t.projectId}/members`,
        { user_id: '0000', role: 'editor', environments: { x: 'write' } },
        400,
        'invalid_request',
      ],
      [
        'an organisation admin as a member',
        'POST',
        () => `/projects/${t.projectId}/members`,
        () => ({ user_id: adminUser.userId, role: 'viewer' }),
        409,
        'organisation_admin',
      ],
      [
        'an unknown member',
        'PATCH',
        () => `/projects/${t.projectId}/members/0000`,
        { role: 'viewer' },
        404,
        'project_member_not_found',
      ],
      [
        'a token with an unknown role',
        'POST',
        '/admin-tokens',
        { name: 'x', role: 'member' },
        400,
        'invalid_request',
      ],
    ];
    for (const [title, method, url, payload, status, code] of cases) {
      it(`refuses ${title} with ${status} ${code} and changes nothing`, async () => {
        const before = await peopleTables(db());
        const body = typeof payload === 'function' ? payload() : payload;
        const response = await call(method, typeof url === 'string' ? url : url(), body);
        expect(response.statusCode, response.body).toBe(status);
        expect(response.json().error).toMatchObject({ code, message: expect.any(String) });
        expect(await peopleTables(db())).toEqual(before);
      });
    }

    it('answers 401 to every people route without credentials, and changes nothing', async () => {
      const before = await peopleTables(db());
      for (const [method, url] of [
        ['GET', '/users'],
        ['POST', '/users'],
        ['GET', '/auth/me'],
        ['GET', '/auth/sessions'],
        ['POST', '/auth/sign-out'],
        ['POST', '/invitations'],
        ['GET', `/projects/${t.projectId}/members`],
        ['GET', `/projects/${t.projectId}/member-candidates`],
      ] as const) {
        const response = await call(method, url, method === 'GET' ? undefined : {}, {});
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.json().error.code).toBe('unauthorized');
      }
      expect(await peopleTables(db())).toEqual(before);
    });
  });
});
