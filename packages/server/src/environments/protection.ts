import { PennonError } from '../errors.js';
import type { EnvironmentRow } from '../storage/tables.js';

/**
 * A protected environment (`requires_approval` set) takes changes to its feature states,
 * segment overrides and identity overrides only through change requests. Every direct route
 * for those calls this first; change requests and the scheduler apply through the services'
 * `…In(trx, …)` methods, which do not.
 */
export function refuseDirectChange(environment: EnvironmentRow): void {
  if (environment.requires_approval === null) return;
  throw changeRequestRequired(environment);
}

export function changeRequestRequired(environment: EnvironmentRow): PennonError {
  const approvals = requiredApprovals(environment);
  return new PennonError(
    'conflict',
    'change_request_required',
    `Environment '${environment.key}' is protected: its changes need ${approvals} approval${approvals === 1 ? '' : 's'}. ` +
      `Propose this change with POST /api/admin/v1/environments/${environment.id}/change-requests ` +
      `({"title": …, "changes": [{"kind": "feature_state" | "segment_override" | "identity_override", …}]}).`,
  );
}

/**
 * Approvals a change request of this environment needs: the protection's number, and at
 * least one on an unprotected environment, where a request is a choice to ask for review.
 */
export function requiredApprovals(environment: Pick<EnvironmentRow, 'requires_approval'>): number {
  return environment.requires_approval ?? 1;
}
