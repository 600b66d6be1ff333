import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { type Browser, createPerson, grant, signIn, TEST_PASSWORD } from '../testing/people.js';
import { SIGN_IN_LIMITS } from './sign-in-limits.js';

const PREFIX = '/api/admin/v1';

describeEachDialect('signing in, sessions and CSRF', (getDatabase) => {
  let t: TestApp;
  let ada: string;
  const db = () => getDatabase().db;
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => t.app.inject({ method, url: `${PREFIX}${url}`, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    ada = await createPerson(db(), t.organisationId, 'ada@example.com', 'member');
    await grant(db(), t.projectId, ada, 'editor', { [t.environments[1].id]: 'propose' });
  });
  afterAll(() => t?.close());

  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for the whole site and answers the person and CSRF token', async () => {
      const response = await call(
        'POST',
        '/auth/sign-in',
        {},
        { email: 'Ada@Example.com', password: TEST_PASSWORD },
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        user: { id: ada, email: 'ada@example.com', name: 'ada' },
        csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      });
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(
        /^pennon_session=[A-Za-z0-9_-]{43}; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/,
      );
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const wrong = await call(
        'POST',
        '/auth/sign-in',
        {},
        { email: 'ada@example.com', password: 'not the password' },
      );
      const unknown = await call(
        'POST',
        '/auth/sign-in',
        {},
        { email: 'nobody@example.com', password: TEST_PASSWORD },
      );
      for (const response of [wrong, unknown]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({
          error: { code: 'invalid_credentials', message: 'The email or the password is wrong.' },
        });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('stores no session for a failed sign-in, and only a digest for a good one', async () => {
      const browser = await signIn(t.app, 'ada@example.com');
      const token = browser.cookie.split('=')[1];
      const rows = await db().selectFrom('sessions').selectAll().where('user_id', '=', ada).execute();
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows.every((row) => row.token_hash.length === 64)).toBe(true);
    });
  });

  describe('a signed-in browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await signIn(t.app, 'ada@example.com');
    });

    it('reads who it is and what it may do', async () => {
      const me = await call('GET', '/auth/me', { cookie: browser.cookie });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual({
        user: { id: ada, email: 'ada@example.com', name: 'ada' },
        csrf_token: browser.csrf,
        organisation: { id: t.organisationId, name: 'Default organisation' },
        organisation_role: 'member',
        projects: [
          {
            project_id: t.projectId,
            project_name: 'Default project',
            role: 'editor',
            environments: { [t.environments[0].id]: 'edit', [t.environments[1].id]: 'propose' },
          },
        ],
      });
    });

    it('sees, as a member, only its projects', async () => {
      const other = (await call('POST', '/projects', t.admin, { name: 'Not Ada’s' })).json();
      const listed = await call('GET', '/projects', { cookie: browser.cookie });
      expect(listed.json().items.map((p: { id: string }) => p.id)).toEqual([t.projectId]);
      expect((await call('GET', `/projects/${other.id}`, { cookie: browser.cookie })).statusCode).toBe(403);
    });

    it('needs the CSRF token on every change, and gets 403 csrf without it', async () => {
      const url = `/environments/${t.environments[0].id}/identities`;
      const missing = await call('POST', url, { cookie: browser.cookie }, { identifier: 'no-csrf' });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().error).toEqual({
        code: 'csrf',
        message: expect.stringContaining('x-csrf-token'),
      });
      const wrong = await call(
        'POST',
        url,
        { cookie: browser.cookie, 'x-csrf-token': 'guessed' },
        { identifier: 'x' },
      );
      expect(wrong.json().error.code).toBe('csrf');
      const identities = await db().selectFrom('identities').select('identifier').execute();
      expect(identities.map((row) => row.identifier)).not.toContain('no-csrf');
      const right = await call('POST', url, browser.headers, { identifier: 'with-csrf' });
      expect(right.statusCode, right.body).toBe(201);
    });

    it('refuses a change from another site’s page even with the token', async () => {
      const url = `/environments/${t.environments[0].id}/identities`;
      const foreign = await call(
        'POST',
        url,
        { ...browser.headers, origin: 'https://evil.example' },
        { identifier: 'o' },
      );
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json().error.code).toBe('csrf');
      const own = await call(
        'POST',
        url,
        { ...browser.headers, origin: 'http://localhost:80' },
        { identifier: 'own' },
      );
      expect(own.statusCode, own.body).toBe(201);
    });

    it('needs no CSRF token for a bearer token', async () => {
      const response = await call('POST', `/environments/${t.environments[0].id}/identities`, t.admin, {
        identifier: 'by-token',
      });
      expect(response.statusCode).toBe(201);
    });

    it('lists its sessions and revokes another one, which stops working at once', async () => {
      const other = await signIn(t.app, 'ada@example.com');
      const listed = await call('GET', '/auth/sessions', { cookie: browser.cookie });
      const items = listed.json().items as { id: string; current: boolean }[];
      expect(items.filter((s) => s.current)).toHaveLength(1);
      // The session just opened elsewhere is listed, and is not the current one.
      expect(items.filter((s) => !s.current).length).toBeGreaterThanOrEqual(1);
      // Revoke every other session, the one just opened among them.
      for (const session of items.filter((s) => !s.current)) {
        expect((await call('DELETE', `/auth/sessions/${session.id}`, browser.headers)).statusCode).toBe(204);
      }
      const revoked = await call('GET', '/auth/me', { cookie: other.cookie });
      expect(revoked.statusCode).toBe(401);
      expect(revoked.json().error.code).toBe('unauthorized');
    });

    it('cannot revoke another person’s session', async () => {
      await createPerson(db(), t.organisationId, 'grace@example.com', 'member');
      const grace = await signIn(t.app, 'grace@example.com');
      const graces = (await call('GET', '/auth/sessions', { cookie: grace.cookie })).json().items;
      const response = await call('DELETE', `/auth/sessions/${graces[0].id}`, browser.headers);
      expect(response.statusCode).toBe(404);
      expect((await call('GET', '/auth/me', { cookie: grace.cookie })).statusCode).toBe(200);
    });

    it('signs out: 204, the cookie cleared, the session gone', async () => {
      const leaving = await signIn(t.app, 'ada@example.com');
      const response = await call('POST', '/auth/sign-out', leaving.headers);
      expect(response.statusCode).toBe(204);
      expect(String(response.headers['set-cookie'])).toMatch(
        /^pennon_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      expect((await call('GET', '/auth/me', { cookie: leaving.cookie })).statusCode).toBe(401);
    });
  });

  describe('an admin token', () => {
    it('reads itself as no person, with its role and every project as admin', async () => {
      const me = (await call('GET', '/auth/me', t.admin)).json();
      expect(me).toMatchObject({ user: null, csrf_token: null, organisation_role: 'owner' });
      expect(me.projects).toContainEqual({
        project_id: t.projectId,
        project_name: 'Default project',
        role: 'admin',
        environments: { [t.environments[0].id]: 'edit', [t.environments[1].id]: 'edit' },
      });
    });

    it('cannot create a token above its own role, nor revoke an owner’s token as an admin', async () => {
      const admin = (await call('POST', '/admin-tokens', t.admin, { name: 'adm', role: 'admin' })).json();
      const bearer = { authorization: `Bearer ${admin.token}` };
      const above = await call('POST', '/admin-tokens', bearer, { name: 'up', role: 'owner' });
      expect(above.statusCode).toBe(403);
      expect(above.json().error.message).toMatch(/you are admin, not owner/);
      const same = await call('POST', '/admin-tokens', bearer, { name: 'same' });
      expect(same.json().role).toBe('admin');
      const owners = (await call('GET', '/admin-tokens', t.admin))
        .json()
        .items.filter((x: { role: string }) => x.role === 'owner');
      const revoke = await call('DELETE', `/admin-tokens/${owners[0].id}`, bearer);
      expect(revoke.statusCode).toBe(403);
    });
  });
});

describeEachDialect('sign-in limits', (getDatabase) => {
  let t: TestApp;
  beforeAll(async () => {
    // The real limits on a stopped clock: nothing refills while the test runs, however slowly.
    const stopped = () => 0;
    t = await createTestApp(getDatabase(), {}, undefined, {
      perAccount: { ...SIGN_IN_LIMITS.perAccount, now: stopped },
      perAddress: { ...SIGN_IN_LIMITS.perAddress, now: stopped },
    });
    await createPerson(getDatabase().db, t.organisationId, 'limited@example.com', 'member');
  });
  afterAll(() => t?.close());
  const attempt = (email: string, password: string, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: `${PREFIX}/auth/sign-in`,
      payload: { email, password },
      remoteAddress,
    });

  it('stops an account after 5 failures, the right password too, with Retry-After; other accounts go on', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await attempt('limited@example.com', `wrong ${i}`, `10.0.0.${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await attempt('limited@example.com', TEST_PASSWORD, '10.0.1.1');
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('rate_limited');
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await attempt('unknown@example.com', 'whatever!', '10.0.1.1')).statusCode).toBe(401);
  });

  it('stops an address after 20 failures, whatever the email', async () => {
    const statuses = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await attempt(`spray-${i}@example.com`, 'password!', '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
  });
});

describe('the session cookie behind TLS', () => {
  it('is Secure when the public URL is https', async () => {
    const { createTestDatabase } = await import('../testing/databases.js');
    const database = await createTestDatabase('sqlite');
    const t = await createTestApp(database, { publicUrl: 'https://flags.example.com' });
    try {
      await createPerson(database.db, t.organisationId, 'tls@example.com', 'owner');
      const response = await t.app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/sign-in`,
        payload: { email: 'tls@example.com', password: TEST_PASSWORD },
      });
      expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
      // The public URL's origin counts as this server's own for the Origin check.
      const cookie = String(response.headers['set-cookie']).split(';')[0];
      const ok = await t.app.inject({
        method: 'PATCH',
        url: `${PREFIX}/organisation`,
        headers: { cookie, 'x-csrf-token': response.json().csrf_token, origin: 'https://flags.example.com' },
        payload: { name: 'Renamed' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
    } finally {
      await t.close();
      await database.dispose();
    }
  });
});
