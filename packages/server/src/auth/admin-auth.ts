import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { unauthorized } from '../errors.js';
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

/**
 * Resolves `Authorization: Bearer <admin token>`. Tokens are looked up by digest, so a
 * timing side channel on the comparison reveals nothing about a stored token.
 */
export function adminAuthHook(db: Kysely<Tables>) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized('Send an admin token as "Authorization: Bearer <token>".');
    const row = await db
      .selectFrom('admin_tokens')
      .select(['id', 'organisation_id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw unauthorized('The admin token is not valid.');
    request.admin = { organisationId: row.organisation_id, tokenId: row.id };
  };
}

/** The principal of a request that passed `adminAuthHook`. */
export function principal(request: FastifyRequest): AdminPrincipal {
  if (!request.admin) throw unauthorized('Admin authentication required.');
  return request.admin;
}
