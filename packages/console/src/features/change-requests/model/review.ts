/** Who acted: the shape the API gives authors, approvers and closers. */
export interface ActorRef {
  kind: 'user' | 'token' | 'system';
  id: string;
}

export interface ReviewState {
  status: 'open' | 'approved' | 'committed' | 'rejected' | 'cancelled' | 'failed';
  author: ActorRef;
  approvals: { actor: ActorRef }[];
}

export interface ReviewChoice {
  /** Shown and usable; a `why` explains a choice that is shown but cannot be used now. */
  approve: { show: boolean; why?: string };
  reject: { show: boolean };
  cancel: { show: boolean };
  /** Edit the title, description or changes: the author's, while pending. */
  revise: { show: boolean };
  commit: { show: boolean; why?: string };
}

const same = (a: ActorRef, b: ActorRef) => a.kind === b.kind && a.id === b.id;

/**
 * Which review actions to offer one person, by the rules the API enforces
 * (change-requests/approval-rules.ts): never approve or reject your own request (the author
 * revises or cancels instead); approve once; commit once approved; nothing once closed. `mayEdit` is
 * 'environment.edit' there (needed to approve, reject and commit), `mayPropose`
 * 'environment.propose' (needed by the author to revise or cancel: an author whose role was
 * lowered since is refused).
 *
 * @example
 * reviewChoice({ status: 'open', author: ada, approvals: [] }, bob, true, true).approve.show // true
 */
export function reviewChoice(
  request: ReviewState,
  me: ActorRef | undefined,
  mayEdit: boolean,
  mayPropose: boolean,
): ReviewChoice {
  const open = request.status === 'open';
  const approved = request.status === 'approved';
  const author = me !== undefined && same(me, request.author);
  const approvedByMe = me !== undefined && request.approvals.some((a) => same(a.actor, me));
  return {
    approve: {
      show: (open || approved) && mayEdit && !author,
      why: approvedByMe ? 'You approved this revision already.' : undefined,
    },
    reject: { show: (open || approved) && mayEdit && !author },
    cancel: { show: (open || approved) && author && mayPropose },
    revise: { show: (open || approved) && author && mayPropose },
    commit: {
      show: (open || approved) && mayEdit,
      why: approved ? undefined : 'It needs its approvals first.',
    },
  };
}
