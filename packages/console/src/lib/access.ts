import {
  decide,
  type EnvironmentAccess,
  type Grants,
  environmentAccess as grantedIn,
  type Permission,
  type ProjectGrant,
} from '@pennon/server/permissions';
import { type Me, useMe } from './me.js';

export type { Permission };

/** What a permission is about, as far as the console knows it. */
export interface AccessScope {
  /** By id: its name, for the reason of a refusal, comes from `/auth/me`. */
  project?: { id: string };
  environment?: { id: string; key: string };
}

/** Whether the signed-in person may do something, and if not, why (naming the role needed). */
export type Decision =
  | { allowed: true }
  | {
      allowed: false;
      reason: string;
      /** The change is allowed through a change request ('propose' access there). */
      propose: boolean;
    };

/** The grants of `/auth/me` in the shape the server's permission table decides on. */
export function grantsOf(me: Me): Grants {
  const projects = new Map<string, ProjectGrant>(
    me.projects.map((p) => [p.project_id, { role: p.role, environments: p.environments }]),
  );
  return { role: me.organisation_role, projects };
}

/**
 * What the signed-in person may do in one environment, by the server's own rule: owners and
 * admins edit everywhere; members as their project grant says, and nothing outside their projects.
 */
export function environmentAccess(me: Me, projectId: string, environmentId: string): EnvironmentAccess {
  if (me.organisation_role === 'owner' || me.organisation_role === 'admin') return 'edit';
  const grant = grantsOf(me).projects.get(projectId);
  return grant ? grantedIn(grant, environmentId) : 'view';
}

/**
 * Decides with the server's own table (packages/server/src/auth/permissions.ts, bundled from
 * source), so a control the console enables is one the API accepts, and its refusal message is
 * the one the API would give.
 *
 * @example
 * can(me, 'environment.edit', { project: { id }, environment: { id: env.id, key: env.key } });
 */
export function can(me: Me | undefined, permission: Permission, scope: AccessScope = {}): Decision {
  if (!me) return { allowed: false, reason: 'Checking your session…', propose: false };
  const refusal = decide(grantsOf(me), permission, {
    project: scope.project && { id: scope.project.id, name: projectName(me, scope.project.id) },
    environment: scope.environment,
  });
  return refusal ? { allowed: false, reason: refusal.message, propose: refusal.propose } : { allowed: true };
}

/**
 * A project's name as the person knows it, for the reason of a refusal. A project they have
 * no role in is not in `/auth/me`, and the refusal then says "this project".
 */
function projectName(me: Me, projectId: string): string | undefined {
  return me.projects.find((p) => p.project_id === projectId)?.project_name;
}

/** The scope of a permission about one environment (and so its project). */
export function environmentScope(environment: { id: string; key: string; project_id: string }): AccessScope {
  return {
    project: { id: environment.project_id },
    environment: { id: environment.id, key: environment.key },
  };
}

/** `can` for the signed-in person, from the one `/auth/me` query. */
export function useCan(permission: Permission, scope: AccessScope = {}): Decision {
  return can(useMe().data, permission, scope);
}

/** How a change to one environment's flags is made: straight in, through review, or not at all. */
export type ChangeMode =
  | { mode: 'edit' }
  | { mode: 'propose'; why: string }
  | { mode: 'view'; reason: string };

/**
 * 'edit' when the person may edit there and the environment is unprotected; 'propose' when it
 * is protected (`requires_approval`) or their access there is 'propose'; else 'view'.
 */
export function changeMode(
  me: Me | undefined,
  projectId: string,
  environment: { id: string; key: string; requires_approval: number | null },
): ChangeMode {
  const scope = { project: { id: projectId }, environment };
  const propose = can(me, 'environment.propose', scope);
  if (!propose.allowed) return { mode: 'view', reason: propose.reason };
  const edit = can(me, 'environment.edit', scope);
  if (!edit.allowed)
    return {
      mode: 'propose',
      why: `In ${environment.key} you may only propose changes; someone who may edit there reviews them.`,
    };
  if (environment.requires_approval !== null) {
    const n = environment.requires_approval;
    return {
      mode: 'propose',
      why: `${environment.key} is protected: changes need ${n} approval${n === 1 ? '' : 's'} by someone else.`,
    };
  }
  return { mode: 'edit' };
}

/** `changeMode` for the signed-in person. */
export function useChangeMode(
  projectId: string,
  environment: { id: string; key: string; requires_approval: number | null },
): ChangeMode {
  return changeMode(useMe().data, projectId, environment);
}
