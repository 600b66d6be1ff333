import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { notFound, PennonError } from '../errors.js';
import { resolveFeature } from '../features/feature-lookup.js';
import { projectName, resolveProject } from '../projects/project-lookup.js';
import { resolveSegment } from '../segments/segment-lookup.js';
import type { Tables } from '../storage/tables.js';
import { principal } from './admin-auth.js';
import { decide, levelOf, type Permission, type Scope } from './permissions.js';

/**
 * What an admin route needs: a permission from auth/permissions.ts, and which of its params
 * names the project or environment the permission is about. Things addressed by their own id
 * (`/features/:id`, `/segments/:id`) name that param; their project is looked up.
 */
export interface RouteAccess {
  permission: Permission;
  project?: string;
  environment?: string;
  feature?: string;
  segment?: string;
  webhook?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/**
 * The `config` of an admin route.
 *
 * @example
 * app.patch('/environments/:environmentId/feature-states/:featureId', {
 *   config: access('environment.edit', { environment: 'environmentId' }), schema, ...
 * });
 */
export function access(
  permission: Permission,
  scope: Omit<RouteAccess, 'permission'> = {},
): { access: RouteAccess } {
  return { access: { permission, ...scope } };
}

/** The admin routes as registered, with what each needs: the table the role test walks. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

/**
 * Refuses, at start-up, any admin route that declares no permission, or a scoped permission
 * without the param it is about: a route nobody thought about must not ship open.
 */
export function requireDeclaredAccess(scope: FastifyInstance, routes: DeclaredRoute[]): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    const declared = route.config?.access;
    const methods = ([] as string[]).concat(route.method);
    const name = `${methods.join(',')} ${route.url}`;
    if (!declared) throw new Error(`Admin route ${name} declares no access (config: access(…)).`);
    const level = levelOf(declared.permission);
    const scoped =
      declared.project ?? declared.environment ?? declared.feature ?? declared.segment ?? declared.webhook;
    if ((level === 'project' || level === 'environment') && !scoped) {
      throw new Error(`Admin route ${name} needs '${declared.permission}' but names no param it is about.`);
    }
    if (level === 'environment' && !declared.environment) {
      throw new Error(`Admin route ${name} needs '${declared.permission}' but names no environment param.`);
    }
    for (const method of methods) routes.push({ method, url: route.url, access: declared });
  });
}

/**
 * The one authorization check of the admin API, run right after authentication and before
 * the body is read: a refused request costs no parsing and changes nothing. Owners and
 * admins reach everything at their level without a lookup; a member's request resolves the
 * project (and environment) its params name, with the same lookups the handlers use, and
 * is checked against the member's roles there.
 */
export function authorizeHook(db: Kysely<Tables>) {
  return async (request: FastifyRequest): Promise<void> => {
    const declared = request.routeOptions.config.access;
    if (!declared) throw new PennonError('internal', 'internal', 'This route declares no access.');
    if (declared.permission === 'public') return;
    const who = principal(request);
    const decideIn = (scope: Scope) => decide(who, declared.permission, scope);
    // Without a scope only the organisation role counts: owners and admins pass here.
    if (!decideIn({})) return;
    const level = levelOf(declared.permission);
    const scope =
      level === 'project' || level === 'environment'
        ? await resolveScope(db, who.organisationId, declared, request.params as Record<string, string>)
        : {};
    if (!decideIn(scope)) return;
    // The project's name only words the refusal: looked up when there is one, never on the way in.
    const refusal = decideIn(await withProjectName(db, who.organisationId, scope));
    if (!refusal) return;
    throw new PennonError('forbidden', 'forbidden', refusal.message, {
      details: refusal.propose ? { change_request_required: true } : undefined,
    });
  };
}

async function resolveScope(
  db: Kysely<Tables>,
  organisationId: string,
  declared: RouteAccess,
  params: Record<string, string>,
): Promise<Scope> {
  let projectId: string;
  let environment: Scope['environment'];
  if (declared.environment) {
    const row = await resolveEnvironment(db, organisationId, params[declared.environment]);
    projectId = row.project_id;
    environment = { id: row.id, key: row.key };
  } else if (declared.project) {
    const row = await resolveProject(db, organisationId, params[declared.project]);
    return { project: { id: row.id, name: row.name } };
  } else if (declared.feature) {
    projectId = (await resolveFeature(db, organisationId, params[declared.feature])).project_id;
  } else if (declared.segment) {
    projectId = (await resolveSegment(db, organisationId, params[declared.segment])).project_id;
  } else if (declared.webhook) {
    projectId = await webhookProject(db, organisationId, params[declared.webhook]);
  } else {
    return {};
  }
  return { project: { id: projectId }, environment };
}

/** `scope` with its project's name, for the message of a refusal. */
async function withProjectName(db: Kysely<Tables>, organisationId: string, scope: Scope): Promise<Scope> {
  if (!scope.project) return scope;
  const name = await projectName(db, organisationId, scope.project.id);
  return name === undefined ? scope : { ...scope, project: { id: scope.project.id, name } };
}

/** The project of a webhook of the organisation; `webhook_not_found` as the handler would say. */
async function webhookProject(db: Kysely<Tables>, organisationId: string, id: string): Promise<string> {
  const row = await db
    .selectFrom('webhooks')
    .innerJoin('projects', 'projects.id', 'webhooks.project_id')
    .select('webhooks.project_id')
    .where('webhooks.id', '=', id)
    .where('projects.organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) throw notFound('webhook', id);
  return row.project_id;
}
