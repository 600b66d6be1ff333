import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { unauthorized } from '../errors.js';
import { RateLimiter, type RateLimitOptions, rateLimited } from '../http/rate-limit.js';
import { ProjectMembersRepository } from '../projects/project-members.repository.js';
import { ADMIN_TOKEN_PREFIX, SERVER_KEY_PREFIX } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';
import { UsersRepository } from '../users/users.repository.js';
import type { Grants, OrganisationRole } from './permissions.js';
import { changesState, checkCsrfToken, checkOrigin, sessionToken } from './session-cookie.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { bearerToken, hashToken } from './tokens.js';

/**
 * Who is calling the admin API: an admin token or a signed-in person of one organisation,
 * with their organisation role and, for members, their project roles (`Grants`).
 */
export interface AdminPrincipal extends Grants {
  organisationId: string;
  /** Set when an admin token authenticated the request. */
  tokenId?: string;
  /** Set when a session cookie did. */
  userId?: string;
  sessionId?: string;
  /** The session's CSRF token, for `GET /auth/me`. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

/** Failed authentications one peer address may make: ten at once, then one a second. */
export const ADMIN_FAILURE_LIMIT: RateLimitOptions = { perSecond: 1, burst: 10 };

export interface AdminAuthOptions {
  failureLimit?: RateLimitOptions;
  /** PENNON_PUBLIC_URL: its origin is this server's, for the Origin check. */
  publicUrl?: string;
  /** PENNON_ADMIN_CORS_ORIGINS: other origins whose pages may use the session. */
  allowedOrigins?: readonly string[];
}

/**
 * Resolves `Authorization: Bearer <admin token>`, or else the `pennon_session` cookie of a
 * signed-in person. Tokens and session tokens are looked up by digest, so a timing side
 * channel on the comparison reveals nothing about a stored one. Failures are logged (never
 * the credential) and limited per peer address: once an address has used up its failures,
 * every attempt from it gets 429 before anything is looked up, so guessing proceeds at one
 * try a second, not thousands. Cookie-authenticated requests that change state must pass the
 * Origin and CSRF token checks (session-cookie.ts); a bearer token cannot be sent by another
 * site's page, so it needs neither. Routes declared `public` (sign-in, accepting an
 * invitation) skip authentication but not the Origin check.
 */
export function adminAuthHook(db: Kysely<Tables>, options: AdminAuthOptions = {}) {
  const failures = new RateLimiter(options.failureLimit ?? ADMIN_FAILURE_LIMIT);
  const sessions = new SessionsService(new SessionsRepository(db), new UsersRepository(db));
  const members = new ProjectMembersRepository(db);
  const allowedOrigins = options.allowedOrigins ?? [];
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.config.access?.permission === 'public') {
      if (changesState(request)) checkOrigin(request, options.publicUrl, allowedOrigins);
      return;
    }
    const wait = failures.wait(request.ip);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw rateLimited(wait, 'address');
    }
    const fail = (reason: string, message: string) => {
      failures.take(request.ip);
      request.log.warn(
        { ip: request.ip, reason, url: request.url.split('?')[0] },
        'admin authentication failed',
      );
      return unauthorized(message);
    };
    const token = bearerToken(request.headers.authorization);
    const cookie = request.headers.authorization === undefined ? sessionToken(request) : undefined;
    if (cookie) {
      const session = await sessions.authenticate(cookie);
      if (!session)
        throw fail('session', 'The session has ended (signed out, expired or revoked): sign in again.');
      if (changesState(request)) {
        checkOrigin(request, options.publicUrl, allowedOrigins);
        checkCsrfToken(request, session.csrfToken);
      }
      const projects = session.role === 'member' ? await members.grantsOf(session.userId) : new Map();
      request.admin = {
        organisationId: session.organisationId,
        role: session.role,
        projects,
        userId: session.userId,
        sessionId: session.id,
        csrfToken: session.csrfToken,
      };
      request.actor = { kind: 'user', id: session.userId, organisationId: session.organisationId };
      return;
    }
    if (!token) throw fail('missing', missingTokenMessage(request));
    const row = await db
      .selectFrom('admin_tokens')
      .select(['id', 'organisation_id', 'role'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw fail('unknown', await invalidTokenMessage(db, token));
    request.admin = {
      organisationId: row.organisation_id,
      role: row.role as OrganisationRole,
      projects: new Map(),
      tokenId: row.id,
    };
    request.actor = { kind: 'token', id: row.id, organisationId: row.organisation_id };
  };
}

const SEND_ADMIN_TOKEN = `the admin API takes an admin token (${ADMIN_TOKEN_PREFIX}…) as "Authorization: Bearer <token>"`;

/** Says what arrived instead: an SDK header, another Authorization scheme, or nothing. */
function missingTokenMessage(request: FastifyRequest): string {
  const sdkHeader = ['x-environment-key', 'x-api-key'].find((name) => request.headers[name] !== undefined);
  if (sdkHeader) {
    return `An environment key arrived in ${sdkHeader}; ${SEND_ADMIN_TOKEN}. Environment keys are for the SDK APIs.`;
  }
  const scheme = request.headers.authorization?.split(/\s+/)[0];
  if (scheme) return `An Authorization header with scheme '${scheme}' arrived; ${SEND_ADMIN_TOKEN}.`;
  return `No credentials arrived; ${SEND_ADMIN_TOKEN}, or a signed-in session's cookie.`;
}

/**
 * An unknown token may be an environment key sent to the wrong API. Only this failure path
 * looks client keys up, so a valid token costs nothing more.
 */
async function invalidTokenMessage(db: Kysely<Tables>, token: string): Promise<string> {
  const sdk = 'Environment keys are for the SDK APIs (/api/sdk/v1, /api/v1, /ofrep/v1, /v1).';
  if (token.startsWith(SERVER_KEY_PREFIX)) {
    return `A server key (${SERVER_KEY_PREFIX}…) arrived; ${SEND_ADMIN_TOKEN}. ${sdk}`;
  }
  const client = await db
    .selectFrom('environments')
    .select('id')
    .where('client_key', '=', token)
    .executeTakeFirst();
  if (client) return `A client key arrived; ${SEND_ADMIN_TOKEN}. ${sdk}`;
  return 'The admin token is not valid: no token has it (revoked, or mistyped?).';
}

/** The principal of a request that passed `adminAuthHook`. */
export function principal(request: FastifyRequest): AdminPrincipal {
  if (!request.admin) throw unauthorized('Admin authentication required.');
  return request.admin;
}
