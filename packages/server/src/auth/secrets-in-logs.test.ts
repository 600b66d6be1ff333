import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { createPerson, TEST_PASSWORD } from '../testing/people.js';

const PREFIX = '/api/admin/v1';
const ADMIN_TOKEN = 'pat_log-test-admin-token-0123456789abcdef';

/**
 * Runs the flows that handle secrets with every log line on (trace: each request and answer
 * logged), then looks for each secret in what was logged: passwords, password hashes,
 * session and CSRF tokens, invitation tokens, admin tokens.
 */
describe('secrets never reach the log', () => {
  let database: TestDatabase;
  const lines: string[] = [];
  const secrets: string[] = [ADMIN_TOKEN, TEST_PASSWORD];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const boot = await bootstrap(database.db, { adminToken: ADMIN_TOKEN });
    if (!boot) throw new Error('empty database expected');
    const config = loadConfig({}, { logLevel: 'trace', dataDir: '.pennon-test-unused' });
    const bus = new InProcessChangeBus();
    const { app } = await buildApp({
      config,
      database,
      bus,
      logger: { level: 'trace', stream: { write: (line: string) => lines.push(line) } },
    });
    await app.ready();
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      await createPerson(database.db, boot.organisationId, 'logged@example.com', 'admin');
      const signedIn = await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/sign-in`,
        payload: { email: 'logged@example.com', password: TEST_PASSWORD },
      });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
      secrets.push(cookie.split('=')[1], signedIn.json().csrf_token);
      await app.inject({ method: 'GET', url: `${PREFIX}/auth/me`, headers: { cookie } });
      const wrong = 'a wrong password, typed by mistake';
      secrets.push(wrong);
      await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/sign-in`,
        payload: { email: 'logged@example.com', password: wrong },
      });
      const invitation = (
        await app.inject({
          method: 'POST',
          url: `${PREFIX}/invitations`,
          headers: { cookie, 'x-csrf-token': signedIn.json().csrf_token },
          payload: { email: 'invited@example.com' },
        })
      ).json();
      secrets.push(invitation.token);
      const invitedPassword = 'the invited person’s password';
      secrets.push(invitedPassword);
      await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/accept-invitation`,
        payload: { token: invitation.token, name: 'Invited', password: invitedPassword },
      });
      const token = (
        await app.inject({
          method: 'POST',
          url: `${PREFIX}/admin-tokens`,
          headers: admin,
          payload: { name: 'logged' },
        })
      ).json();
      secrets.push(token.token);
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/projects`,
        headers: { authorization: `Bearer ${token.token}` },
      });
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/projects`,
        headers: { authorization: 'Bearer pat_a-guessed-token-0123456789' },
      });
      secrets.push('pat_a-guessed-token-0123456789');
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/auth/me`,
        headers: { cookie: 'pennon_session=a-forged-session-token' },
      });
      secrets.push('a-forged-session-token');
      for (const row of await database.db.selectFrom('users').select('password_hash').execute()) {
        secrets.push(row.password_hash, row.password_hash.split('$').at(-1) as string);
      }
    } finally {
      await app.close();
      await bus.close();
    }
  });
  afterAll(() => database?.dispose());

  it('logged the flows at all (so the search below means something)', () => {
    const text = lines.join('');
    expect(text).toContain('/auth/sign-in');
    expect(text).toContain('sign-in failed');
    expect(text).toContain('admin authentication failed');
  });

  it('contains none of the secrets', () => {
    const text = lines.join('');
    expect(secrets.length).toBeGreaterThanOrEqual(12);
    for (const secret of secrets)
      expect(text.includes(secret), `a secret was logged: ${secret.slice(0, 6)}…`).toBe(false);
  });
});
