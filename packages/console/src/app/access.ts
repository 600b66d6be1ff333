import type { Me } from '../features/auth/api/session.js';

export type Access = 'edit' | 'propose' | 'view';

/**
 * What the signed-in person may do in one environment, as the server decides it
 * (auth/permissions.ts): organisation owners and admins edit everywhere; a project admin edits;
 * a viewer views; an editor edits unless limited there to 'propose' or 'view'.
 */
export function environmentAccess(me: Me, projectId: string, environmentId: string): Access {
  if (me.organisation_role === 'owner' || me.organisation_role === 'admin') return 'edit';
  const grant = me.projects.find((p) => p.project_id === projectId);
  if (!grant || grant.role === 'viewer') return 'view';
  if (grant.role === 'admin') return 'edit';
  return grant.environments[environmentId] ?? 'edit';
}
