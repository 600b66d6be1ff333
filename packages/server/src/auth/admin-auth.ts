import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { unauthorized } from '../errors.js';
import { RateLimiter, type RateLimitOptions, rateLimited } from '../http/rate-limit.js';
import { ADMIN_TOKEN_PREFIX, SERVER_KEY_PREFIX } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';
import { bearerToken, hashToken } from './tokens.js';

/** Who is calling the admin API: a token of one organisation. */
export interface AdminPrincipal {
  organisationId: string;
  tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

/** Failed authentications one peer address may make: ten at once, then one a second. */
export const ADMIN_FAILURE_LIMIT: RateLimitOptions = { perSecond: 1, burst: 10 };

/**
 * Resolves `Authorization: Bearer <admin token>`. Tokens are looked up by digest, so a
 * timing side channel on the comparison reveals nothing about a stored token. Failures are
 * logged (never the token) and limited per peer address: once an address has used up its
 * failures, every attempt from it gets 429 before any token is looked up, so guessing
 * proceeds at one token a second, not thousands.
 */
export function adminAuthHook(db: Kysely<Tables>, failureLimit: RateLimitOptions = ADMIN_FAILURE_LIMIT) {
  const failures = new RateLimiter(failureLimit);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
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
    if (!token) throw fail('missing', missingTokenMessage(request));
    const row = await db
      .selectFrom('admin_tokens')
      .select(['id', 'organisation_id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw fail('unknown', await invalidTokenMessage(db, token));
    request.admin = { organisationId: row.organisation_id, tokenId: row.id };
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
  return `No credentials arrived; ${SEND_ADMIN_TOKEN}.`;
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
