import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Who makes a change: a signed-in user, an admin token, or the server itself (an import from
 * the command line, a scheduled change). The audit log records it with every change.
 */
export type Actor =
  | { kind: 'user'; id: string; organisationId: string }
  | { kind: 'token'; id: string; organisationId: string }
  | { kind: 'system'; id: string };

/** Changes nobody asked for over HTTP: the command line, migrations, tests. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'pennon' };

// The actor is ambient, like a trace id: every path into a change (admin route, scheduled
// change, change request commit, CLI import) sets it once, and the transaction that writes the
// change reads it, so no service signature has to carry it.
const current = new AsyncLocalStorage<Actor>();

/** The actor of the change being made; the system when nothing set one. */
export function currentActor(): Actor {
  return current.getStore() ?? SYSTEM_ACTOR;
}

/**
 * Runs `work` on behalf of `actor`: what it changes is recorded as theirs.
 *
 * @example
 * await runAs({ kind: 'system', id: 'scheduler' }, () => service.apply(change));
 */
export function runAs<T>(actor: Actor, work: () => T): T {
  return current.run(actor, work);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication; the handler runs as this actor. */
    actor?: Actor;
  }
}

/**
 * Runs each route handler of `app` as the request's actor. A preHandler is the last hook
 * before the handler and calls it from `done`, so the handler's whole async chain inherits the
 * store; earlier hooks (authentication, body parsing) only have to set `request.actor`.
 */
export function handleAsActor(app: FastifyInstance): void {
  app.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
    if (request.actor) current.run(request.actor, done);
    else done();
  });
}
