import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { conflict, isPennonError } from '../errors.js';
import { security, withExample } from '../http/openapi.js';
import {
  meExample,
  sessionExample,
  signedInExample,
  signInExample,
} from '../http/openapi-people-examples.js';
import { adminErrors, ErrorResponse, IdParams } from '../http/schemas.js';
import { UsersRepository } from '../users/users.repository.js';
import { normaliseEmail } from '../users/users.service.js';
import { access } from './access.js';
import { principal } from './admin-auth.js';
import { MeService } from './me.service.js';
import { clearSessionCookie, isSecure, setSessionCookie } from './session-cookie.js';
import { SessionsRepository } from './sessions.repository.js';
import { Me, Session, SignedIn, SignIn } from './sessions.schema.js';
import { SESSION_SECONDS, SessionsService, type StartedSession } from './sessions.service.js';
import { type SignInLimitOptions, SignInLimits } from './sign-in-limits.js';

const noSession = () =>
  conflict(
    'no_session',
    'This request was authenticated by an admin token, which has no session; revoke tokens with DELETE /admin-tokens/{id}.',
  );

/** Answers a new session: its token in the cookie, the person and the CSRF token in the body. */
export function signedIn(
  request: FastifyRequest,
  reply: FastifyReply,
  started: StartedSession,
  publicUrl: string | undefined,
): SignedIn {
  setSessionCookie(reply, started.token, SESSION_SECONDS, isSecure(request, publicUrl));
  return { user: started.user, csrf_token: started.csrfToken };
}

/** Admin API: `/auth/…`, signing in and out and one's own sessions (the session API contract). */
export function sessionsRoutes(ctx: AppContext, limits?: SignInLimitOptions): FastifyPluginAsyncTypebox {
  const service = new SessionsService(new SessionsRepository(ctx.db), new UsersRepository(ctx.db));
  const me = new MeService(ctx.db);
  const signInLimits = new SignInLimits(limits);
  return async (app) => {
    const tags = ['people'];
    app.post(
      '/auth/sign-in',
      {
        config: access('public'),
        schema: {
          tags,
          summary: 'Sign in',
          description:
            'Sets the `pennon_session` cookie (HttpOnly, SameSite=Lax, Secure over TLS). A wrong email ' +
            'and a wrong password get the same 401 `invalid_credentials`; failed attempts are limited ' +
            'per account and per address (429 with Retry-After).',
          security: security.none,
          body: withExample(SignIn, signInExample),
          response: { 200: withExample(SignedIn, signedInExample), ...adminErrors, 429: ErrorResponse },
        },
      },
      async (request, reply) => {
        const email = normaliseEmail(request.body.email);
        signInLimits.check(email, request.ip, reply);
        try {
          const started = await service.signIn(request.body, {
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? '',
          });
          return signedIn(request, reply, started, ctx.config.publicUrl);
        } catch (error) {
          if (isPennonError(error) && error.code === 'invalid_credentials') {
            signInLimits.failed(email, request.ip);
            request.log.warn({ ip: request.ip }, 'sign-in failed');
          }
          throw error;
        }
      },
    );
    app.post(
      '/auth/sign-out',
      {
        config: access('self'),
        schema: {
          tags,
          summary: 'Sign out',
          description: 'Ends this session at once and clears its cookie.',
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        if (!who.userId || !who.sessionId) throw noSession();
        await service.revoke(who.userId, who.sessionId);
        clearSessionCookie(reply, isSecure(request, ctx.config.publicUrl));
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/auth/me',
      {
        config: access('self'),
        schema: {
          tags,
          summary: 'Who am I, and what may I do',
          description:
            'The person (null for an admin token), the CSRF token to send on changes, the organisation ' +
            'role and each project role with the access per environment.',
          response: { 200: withExample(Me, meExample), ...adminErrors },
        },
      },
      (request) => me.describe(principal(request)),
    );
    app.get(
      '/auth/sessions',
      {
        config: access('self'),
        schema: {
          tags,
          summary: 'List my sessions',
          description: 'The signed-in browsers of the calling person, this one marked `current`.',
          response: {
            200: withExample(Type.Object({ items: Type.Array(Session) }), { items: [sessionExample] }),
            ...adminErrors,
          },
        },
      },
      async (request) => {
        const who = principal(request);
        if (!who.userId) throw noSession();
        return { items: await service.list(who.userId, who.sessionId) };
      },
    );
    app.delete(
      '/auth/sessions/:id',
      {
        config: access('self'),
        schema: {
          tags,
          summary: 'Revoke one of my sessions',
          description: 'That browser is signed out at once; revoking the current one signs this one out.',
          params: IdParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        if (!who.userId) throw noSession();
        await service.revoke(who.userId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
