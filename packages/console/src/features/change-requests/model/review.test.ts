import { describe, expect, it } from 'vitest';
import { reviewChoice } from './review.js';

const ada = { kind: 'user' as const, id: 'ada' };
const bob = { kind: 'user' as const, id: 'bob' };

describe('the review actions offered', () => {
  it('never offers the author approve or reject, only revise or cancel', () => {
    const choice = reviewChoice({ status: 'open', author: ada, approvals: [] }, ada, true, true);
    expect(choice.approve.show).toBe(false);
    expect(choice.reject.show).toBe(false);
    expect(choice.cancel.show).toBe(true);
    expect(choice.revise.show).toBe(true);
    const approved = reviewChoice(
      { status: 'approved', author: ada, approvals: [{ actor: bob }] },
      ada,
      true,
      true,
    );
    expect(approved.revise.show).toBe(true);
    expect(reviewChoice({ status: 'open', author: ada, approvals: [] }, bob, true, true).revise.show).toBe(
      false,
    );
  });

  it('offers a reviewer approve and reject, and commit only once approved', () => {
    const open = reviewChoice({ status: 'open', author: ada, approvals: [] }, bob, true, true);
    expect(open).toMatchObject({ approve: { show: true }, reject: { show: true }, cancel: { show: false } });
    expect(open.commit.why).toMatch(/approvals first/);
    const approved = reviewChoice(
      { status: 'approved', author: ada, approvals: [{ actor: bob }] },
      bob,
      true,
      true,
    );
    expect(approved.commit).toEqual({ show: true, why: undefined });
    expect(approved.approve.why).toMatch(/already/);
  });

  it('offers the author neither revise nor cancel once they may no longer propose', () => {
    const lowered = reviewChoice({ status: 'open', author: ada, approvals: [] }, ada, false, false);
    expect([lowered.revise.show, lowered.cancel.show]).toEqual([false, false]);
  });

  it('offers nothing to review without edit access, and nothing once closed', () => {
    const viewer = reviewChoice({ status: 'open', author: ada, approvals: [] }, bob, false, true);
    expect([viewer.approve.show, viewer.reject.show, viewer.commit.show]).toEqual([false, false, false]);
    for (const status of ['committed', 'rejected', 'cancelled', 'failed'] as const) {
      const closed = reviewChoice({ status, author: ada, approvals: [] }, ada, true, true);
      expect(Object.values(closed).some((c) => c.show)).toBe(false);
    }
  });
});
