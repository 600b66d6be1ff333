import type { Actor } from '../auth/actor.js';
import { decide, type Grants, type OrganisationRole } from '../auth/permissions.js';
import type { ChangeRequestApprovalRow, EnvironmentRow } from '../storage/tables.js';

/** What deciding whether an approver still may approve needs to know about them now. */
export interface ApproverDirectory {
  /** The role of a token of the organisation; undefined once it is revoked. */
  tokenRole(organisationId: string, tokenId: string): Promise<OrganisationRole | undefined>;
  /** A person's organisation role and project roles; undefined once they are removed. */
  userGrants(organisationId: string, userId: string): Promise<Grants | undefined>;
}

/**
 * The approvals that count now. An approval is the judgement of someone allowed to make it,
 * and counts only while they still are: a person whose role was lowered since (no longer
 * 'edit' on the environment), a person removed, or a revoked token no longer counts, and the
 * request needs someone else's approval before it commits, by hand or at its time. The
 * check is the routes' own (auth/permissions.ts, 'environment.edit'), so both agree on who
 * may approve. The system (imports, tests through runAs) is not checked: nothing outside the
 * server acts as it.
 */
export async function countingApprovals(
  directory: ApproverDirectory,
  organisationId: string,
  environment: Pick<EnvironmentRow, 'id' | 'key' | 'project_id'>,
  approvals: readonly ChangeRequestApprovalRow[],
): Promise<ChangeRequestApprovalRow[]> {
  const scope = {
    project: { id: environment.project_id },
    environment: { id: environment.id, key: environment.key },
  };
  const counting: ChangeRequestApprovalRow[] = [];
  for (const approval of approvals) {
    const actor = JSON.parse(approval.actor) as Actor;
    const grants = await grantsOf(directory, organisationId, actor);
    if (grants === 'system' || (grants && !decide(grants, 'environment.edit', scope)))
      counting.push(approval);
  }
  return counting;
}

async function grantsOf(
  directory: ApproverDirectory,
  organisationId: string,
  actor: Actor,
): Promise<Grants | 'system' | undefined> {
  if (actor.kind === 'system') return 'system';
  if (actor.kind === 'user') return directory.userGrants(organisationId, actor.id);
  const role = await directory.tokenRole(organisationId, actor.id);
  return role === undefined ? undefined : { role, projects: new Map() };
}
