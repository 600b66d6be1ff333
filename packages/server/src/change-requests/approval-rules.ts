import type { Actor } from '../auth/actor.js';
import { PennonError } from '../errors.js';

/**
 * What holds between the people of one change request, whatever their roles: the author never
 * approves (nor rejects) their own request, and only the author revises or cancels it. The
 * roles themselves are checked before these rules, by the routes' declared permissions
 * (auth/permissions.ts: proposing needs 'propose' on the environment, approving and
 * committing 'edit'), and again at commit for each approval (approvers.ts).
 *
 * Identity is `kind` + `id`: a person is the same person through every session, a token is
 * itself, and a person and a token are never the same actor (a token belongs to no person).
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
