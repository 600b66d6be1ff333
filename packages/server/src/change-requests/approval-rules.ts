import type { Actor } from '../auth/actor.js';
import { PennonError } from '../errors.js';

/**
 * Who may do what to a change request, in one place so roles can be wired in later
 * (proposing needs 'edit' or 'propose' on the environment; approving and committing need
 * 'edit' on it, or project admin). Today every admin token may act; what holds whatever the
 * roles: the author never approves their own request, and only the author revises or cancels it.
 * Each rule returns the refusal, or undefined when the actor may go ahead.
 */

export function sameActor(a: Pick<Actor, 'kind' | 'id'>, b: Pick<Actor, 'kind' | 'id'>): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** `<kind>:<id>`: one approval per actor and request. */
export function actorKey(actor: Pick<Actor, 'kind' | 'id'>): string {
  return `${actor.kind}:${actor.id}`;
}

export function approvalRefusal(actor: Actor, author: Actor): PennonError | undefined {
  if (!sameActor(actor, author)) return undefined;
  return new PennonError(
    'forbidden',
    'cannot_approve_own_change_request',
    'The author of a change request cannot approve it; someone else must.',
  );
}

export function rejectionRefusal(actor: Actor, author: Actor): PennonError | undefined {
  if (!sameActor(actor, author)) return undefined;
  return new PennonError(
    'forbidden',
    'cannot_reject_own_change_request',
    'The author of a change request withdraws it with POST …/cancel, not …/reject.',
  );
}

/** Committing an approved request: anyone who may approve, the author included. */
export function commitRefusal(_actor: Actor, _author: Actor): PennonError | undefined {
  return undefined;
}

/** Revising and cancelling: the author only. */
export function authorOnlyRefusal(
  actor: Actor,
  author: Actor,
  action: 'revise' | 'cancel',
): PennonError | undefined {
  if (sameActor(actor, author)) return undefined;
  return new PennonError(
    'forbidden',
    'not_change_request_author',
    `Only the author of a change request may ${action} it; reject it, or propose your own.`,
  );
}
