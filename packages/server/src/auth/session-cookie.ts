import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PennonError } from '../errors.js';
import { sameSecret } from './tokens.js';

/** The cookie of a signed-in browser (the session API contract names it). */
export const SESSION_COOKIE = 'pennon_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request may change something, and so needs cross-site protection. */
export const changesState = (request: FastifyRequest): boolean => !SAFE_METHODS.has(request.method);

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}

/**
 * HttpOnly (scripts cannot read it), SameSite=Lax (other sites' forms and scripts do not send
 * it on POST), Secure when the browser reached us over TLS: directly (request.protocol), or
 * through a proxy the configured public URL says is https.
 */
export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  reply.header(
    'set-cookie',
    serialize(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure,
      maxAge: maxAgeSeconds,
    }),
  );
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.header(
    'set-cookie',
    serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: 0 }),
  );
}

export function isSecure(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === 'https' || publicUrl?.startsWith('https:') === true;
}

const csrfError = (message: string) => new PennonError('forbidden', 'csrf', message);

/**
 * Browsers send `Origin` on cross-site requests; when present it must be this server (as the
 * request or the public URL names it) or an origin allowed to call the admin API. Requests
 * without it (curl, old browsers on same-origin GETs) are left to the CSRF token.
 */
export function checkOrigin(
  request: FastifyRequest,
  publicUrl: string | undefined,
  allowed: readonly string[],
): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = [`${request.protocol}://${request.host}`, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
  if (own.includes(origin) || allowed.includes(origin)) return;
  throw csrfError(
    `Requests from origin '${origin}' may not use this server's session cookie; ` +
      'allow the origin with PENNON_ADMIN_CORS_ORIGINS if it hosts a console.',
  );
}

/** A state-changing request on a session must repeat the session's CSRF token in a header. */
export function checkCsrfToken(request: FastifyRequest, expected: string): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent === 'string' && sameSecret(sent, expected)) return;
  throw csrfError(
    `This request changes something and was authenticated by the session cookie: send the header ` +
      `${CSRF_HEADER} with the csrf_token from sign-in or GET /api/admin/v1/auth/me.`,
  );
}
