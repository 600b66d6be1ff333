import { randomBytes } from 'node:crypto';
import { notFound, PennonError } from '../errors.js';
import { newId, newSecret } from '../shared/ids.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { UserSummary } from '../users/users.schema.js';
import { normaliseEmail } from '../users/users.service.js';
import { decoyHash, verifyPassword } from './passwords.js';
import type { OrganisationRole } from './permissions.js';
import type { SessionsRepository } from './sessions.repository.js';
import type { Session, SignIn } from './sessions.schema.js';
import { hashToken } from './tokens.js';

/** How long a sign-in lasts; the cookie's Max-Age is the same. */
export const SESSION_SECONDS = 14 * 24 * 3600;
/** Last use is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

/** Where a sign-in came from, shown in the person's list of sessions. */
export interface SessionOrigin {
  ip: string;
  userAgent: string;
}

/** A new session: the token goes in the cookie and is never stored; only its digest is. */
export interface StartedSession {
  id: string;
  token: string;
  csrfToken: string;
  user: UserSummary;
}

/** A live session and its person, as authentication sees it. */
export interface ActiveSession {
  id: string;
  csrfToken: string;
  userId: string;
  organisationId: string;
  role: OrganisationRole;
}

/** One answer for every wrong sign-in, so it never says whether the email has an account. */
export const invalidCredentials = () =>
  new PennonError('unauthorized', 'invalid_credentials', 'The email or the password is wrong.');

/** Signing in and out, and the sessions it makes. */
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Checks the password and opens a session. An unknown email is checked against a decoy hash,
   * so both failures take the time of one scrypt and give the same answer.
   */
  async signIn(input: SignIn, origin: SessionOrigin): Promise<StartedSession> {
    const user = await this.users.findForSignIn(normaliseEmail(input.email));
    const matches = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash()));
    if (!user || !matches) throw invalidCredentials();
    await this.sessions.deleteExpired(user.id, this.now().toISOString());
    return this.start({ id: user.id, email: user.email, name: user.name }, origin);
  }

  async start(user: UserSummary, origin: SessionOrigin): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = newSecret('');
    const now = this.now();
    const id = newId(now.getTime());
    await this.sessions.insert({
      id,
      user_id: user.id,
      token_hash: hashToken(token),
      csrf_token: csrfToken,
      // Bounded: these are shown back to the person and nothing else.
      user_agent: origin.userAgent.slice(0, 500),
      ip: origin.ip.slice(0, 100),
      created_at: now.toISOString(),
      last_used_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString(),
    });
    return { id, token, csrfToken, user };
  }

  /** The live session a cookie's token opens, or undefined (unknown, expired or revoked). */
  async authenticate(token: string): Promise<ActiveSession | undefined> {
    const row = await this.sessions.findByTokenHash(hashToken(token));
    const now = this.now();
    if (!row || row.expires_at <= now.toISOString()) return undefined;
    if (now.getTime() - Date.parse(row.last_used_at) > TOUCH_EVERY_MS) {
      await this.sessions.touch(row.id, now.toISOString());
    }
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      userId: row.user_id,
      organisationId: row.organisation_id,
      role: row.role as OrganisationRole,
    };
  }

  async list(userId: string, currentId: string | undefined): Promise<Session[]> {
    const rows = await this.sessions.listForUser(userId, this.now().toISOString());
    return rows.map((row) => ({ ...row, current: row.id === currentId }));
  }

  /** Ends one of the person's own sessions; another person's is not found, as if absent. */
  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.sessions.delete(userId, id))) throw notFound('session', id);
  }
}
