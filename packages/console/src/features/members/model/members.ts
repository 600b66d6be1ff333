import { environmentAccess as grantedIn } from '@pennon/server/permissions';
import type { EnvironmentAccess, ProjectRole } from '../api/members.js';

export const PROJECT_ROLES: readonly { value: ProjectRole; label: string }[] = [
  { value: 'admin', label: 'admin: everything in the project, its members and webhooks' },
  { value: 'editor', label: 'editor: flags, segments, experiments, as each environment allows' },
  { value: 'viewer', label: 'viewer: reads only' },
];

export const ACCESS_LEVELS: readonly EnvironmentAccess[] = ['edit', 'propose', 'view'];

/** What a person may do in one environment: admins edit, viewers view, editors as limited. */
export function accessIn(
  role: ProjectRole,
  limits: Readonly<Record<string, EnvironmentAccess>>,
  environmentId: string,
): EnvironmentAccess {
  return grantedIn({ role, environments: limits }, environmentId);
}

/**
 * The limits to send: only editors have them, and 'edit' is what an unlisted environment
 * already means, so it is left out (the stored map stays the smallest that says the same).
 */
export function limitsToSend(
  role: ProjectRole,
  access: Readonly<Record<string, EnvironmentAccess>>,
): Record<string, EnvironmentAccess> {
  if (role !== 'editor') return {};
  return Object.fromEntries(Object.entries(access).filter(([, level]) => level !== 'edit'));
}

/**
 * What saving will change, in words, so the dialog says it before it is done: the role, then
 * each environment whose effective access moves. Empty when nothing would change.
 */
export function accessChanges(
  before: { role: ProjectRole; environments: Readonly<Record<string, EnvironmentAccess>> },
  after: { role: ProjectRole; environments: Readonly<Record<string, EnvironmentAccess>> },
  environments: readonly { id: string; name: string }[],
): string[] {
  const changes: string[] = [];
  if (before.role !== after.role) changes.push(`role ${before.role} → ${after.role}`);
  for (const environment of environments) {
    const was = accessIn(before.role, before.environments, environment.id);
    const will = accessIn(after.role, after.environments, environment.id);
    if (was !== will) changes.push(`${environment.name}: ${was} → ${will}`);
  }
  return changes;
}
