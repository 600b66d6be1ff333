import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

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

// On Node 20 an enabled AsyncLocalStorage hooks every promise and tick of the process, SDK
// requests included (about 2.5 µs per SDK request, measured with the HTTP benchmark's load), so
// it is enabled only while some work runs as an actor: `running` counts that work, the last to
// settle disables the storage, and the next `run` enables it again. Hence the rule: work run as
// an actor MUST have read the actor (written its changes) by the time it settles.
let running = 0;

function settled(): void {
  running--;
  if (running === 0) current.disable();
}

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
  running++;
  let result: T;
  try {
    result = current.run(actor, work);
  } catch (error) {
    settled();
    throw error;
  }
  if (isPromiseLike(result)) result.then(settled, settled);
  else settled();
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication; the handler runs as this actor. */
    actor?: Actor;
  }
}

/**
 * Runs each route handler of `app` (routes added after this call) as the request's actor:
 * the handler's whole async chain inherits it, and the actor counts as running until the
 * handler settles. Earlier hooks (authentication, body parsing) only have to set
 * `request.actor`.
 */
export function handleAsActor(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const handler = route.handler;
    route.handler = function handleAs(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const actor = request.actor;
      return actor
        ? runAs(actor, () => handler.call(this, request, reply))
        : handler.call(this, request, reply);
    };
  });
}
