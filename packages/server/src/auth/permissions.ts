/**
 * Who may do what: the one table every admin route is checked against (by `authorizeHook` in
 * auth/access.ts, from the permission each route declares in its `config`), and the source of
 * the roles section of the documentation.
 *
 * Organisation roles (people and admin tokens alike; a token is owner or admin)
 * - owner: everything, including making and unmaking owners and revoking owner tokens.
 * - admin: everything except what concerns owners.
 * - member: sees only the projects they are a member of, with their project role there.
 *
 * Project roles (members only; owners and admins are admin of every project)
 * - admin: manage the project, its environments, client and server keys, members and webhooks.
 * - editor: change flags, segments, identities, overrides, experiments and metrics; per
 *   environment an editor may be limited to 'propose' (changes go through a change request)
 *   or 'view'. Unlisted environments are 'edit'.
 * - viewer: read only.
 *
 * What each may do. Columns: organisation owner / admin (people and tokens); then members by
 * project role: project admin, editor with 'edit' on the environment, editor with 'propose'
 * there, viewer (or an editor with 'view' there). A member without a role in a project gets
 * 403 for everything in it ("you have no role there").
 *
 * | what                                                             | owner | admin | p.admin | edit | propose | viewer |
 * | ---------------------------------------------------------------- | ----- | ----- | ------- | ---- | ------- | ------ |
 * | sign in and out, own sessions, `GET /auth/me`                    | yes   | yes   | yes     | yes  | yes     | yes    |
 * | read the organisation, list projects (members: theirs)           | yes   | yes   | yes     | yes  | yes     | yes    |
 * | rename the organisation, create projects, import Flagsmith       | yes   | yes   | no      | no   | no      | no     |
 * | people, invitations, admin tokens (*)                            | yes   | yes*  | no      | no   | no      | no     |
 * | read a project: features, segments, metrics, environments, members | yes | yes   | yes     | yes  | yes     | yes    |
 * | change features, segments, metrics (project-level)               | yes   | yes   | yes     | yes  | yes**   | no     |
 * | manage the project: rename, delete, environments (and their      | yes   | yes   | yes     | no   | no      | no     |
 * |   protection), client and server keys, members (and list the     |       |       |         |      |         |        |
 * |   organisation's members who may be added: id, name, email)      |       |       |         |      |         |        |
 * | webhooks: create, change, delete, deliveries, test ping          | yes   | yes   | yes     | no   | no      | no     |
 * | read an environment: states, overrides, identities, experiments, | yes   | yes   | yes     | yes  | yes     | yes    |
 * |   change requests, scheduled changes                             |       |       |         |      |         |        |
 * | change it directly: feature states, segment and identity         | yes   | yes   | yes     | yes  | no      | no     |
 * |   overrides, identities, experiments (unprotected environments)  |       |       |         |      |         |        |
 * | schedule a change, cancel a scheduled change                     | yes   | yes   | yes     | yes  | no      | no     |
 * | propose a change request; revise or cancel one's own             | yes   | yes   | yes     | yes  | yes     | no     |
 * | approve, reject, commit a change request (never approve one's own) | yes | yes   | yes     | yes  | no      | no     |
 * | read the audit log                                               | all   | all   | project | project | project | project |
 *
 * (*) Not about owners: only an owner creates, changes or removes an owner (user, invitation
 * or token); the services check that rule against the thing changed.
 * (**) Project-level changes have no environment: an editor limited to 'propose' in one
 * environment still edits the project's features and segments.
 *
 * Change requests: proposing, revising and cancelling need environment.propose; approving,
 * rejecting and committing need environment.edit, and nobody approves their own
 * (change-requests/approval-rules.ts: a person through any session, a token as itself). An
 * approval counts at commit only while its approver may still edit the environment: a role
 * lowered since, a person removed or a token revoked drops it (change-requests/approvers.ts).
 * Scheduled changes are direct changes at a later time: environment.edit; a protected
 * environment schedules through a change request's `scheduled_at`. Webhooks are managed by
 * project admins (project.manage). The audit log: owners and admins read every record;
 * members read the records of the projects they have a role in, and a `project_id` filter
 * naming another project is refused (audit/audit.service.ts).
 *
 * The permissions the routes declare:
 *
 * | permission          | owner | admin | member                                      |
 * | ------------------- | ----- | ----- | ------------------------------------------- |
 * | public              | yes   | yes   | yes (no credentials needed: sign-in, accept) |
 * | self                | yes   | yes   | yes (their own sessions, sign-out, me)      |
 * | organisation.read   | yes   | yes   | yes                                         |
 * | organisation.manage | yes   | yes   | no                                          |
 * | tokens.manage       | yes   | yes*  | no                                          |
 * | users.read          | yes   | yes   | no                                          |
 * | users.manage        | yes   | yes*  | no                                          |
 * | audit.read          | yes   | yes   | yes (only their projects' records)          |
 * | projects.list       | yes   | yes   | yes (only their projects)                   |
 * | projects.create     | yes   | yes   | no                                          |
 * | project.read        | yes   | yes   | viewer, editor, admin of the project        |
 * | project.edit        | yes   | yes   | editor, admin of the project                |
 * | project.manage      | yes   | yes   | admin of the project                        |
 * | environment.read    | yes   | yes   | any role in the environment's project       |
 * | environment.propose | yes   | yes   | project admin; editor with 'edit' or 'propose' there |
 * | environment.edit    | yes   | yes   | project admin; editor with 'edit' there     |
 * | environment.manage  | yes   | yes   | admin of the environment's project          |
 */

export const ORGANISATION_ROLES = ['owner', 'admin', 'member'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

export const PROJECT_ROLES = ['admin', 'editor', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const ENVIRONMENT_ACCESS = ['edit', 'propose', 'view'] as const;
export type EnvironmentAccess = (typeof ENVIRONMENT_ACCESS)[number];

/** What a member may do in one project. */
export interface ProjectGrant {
  role: ProjectRole;
  /** An editor's limits by environment id; unlisted environments are 'edit'. */
  environments: Readonly<Record<string, EnvironmentAccess>>;
}

/** What a request is about, as far as the permission needs it. */
export interface Scope {
  /** `name` words a refusal; without it the message says "this project", never the id. */
  project?: { id: string; name?: string };
  environment?: { id: string; key: string };
}

type Level = 'none' | 'organisation' | 'project' | 'environment';

interface Rule {
  level: Level;
  /** Organisation roles allowed outright (owners and admins reach every project). */
  organisation: readonly OrganisationRole[];
  /** For project and environment rules: the least project role a member needs. */
  project?: ProjectRole;
  /** For environment rules: the access an editor needs in that environment. */
  environment?: EnvironmentAccess;
  /** For people: "rename the organisation". */
  what: string;
}

const EVERYONE = ORGANISATION_ROLES;
const ADMINS = ['owner', 'admin'] as const;

export const PERMISSIONS = {
  public: { level: 'none', organisation: EVERYONE, what: 'use this route' },
  self: { level: 'organisation', organisation: EVERYONE, what: 'manage your own sign-in' },
  'organisation.read': { level: 'organisation', organisation: EVERYONE, what: 'read the organisation' },
  'organisation.manage': { level: 'organisation', organisation: ADMINS, what: 'change the organisation' },
  'tokens.manage': { level: 'organisation', organisation: ADMINS, what: 'manage admin tokens' },
  'users.read': { level: 'organisation', organisation: ADMINS, what: 'list people' },
  'users.manage': { level: 'organisation', organisation: ADMINS, what: 'manage people and invitations' },
  // Members pass and read only their projects' records: audit/audit.service.ts filters.
  'audit.read': { level: 'organisation', organisation: EVERYONE, what: 'read the audit log' },
  'projects.list': { level: 'organisation', organisation: EVERYONE, what: 'list projects' },
  'projects.create': { level: 'organisation', organisation: ADMINS, what: 'create projects' },
  'project.read': { level: 'project', organisation: ADMINS, project: 'viewer', what: 'read this project' },
  'project.edit': {
    level: 'project',
    organisation: ADMINS,
    project: 'editor',
    what: 'change features, segments and metrics of this project',
  },
  'project.manage': {
    level: 'project',
    organisation: ADMINS,
    project: 'admin',
    what: 'manage this project, its environments, keys and members',
  },
  'environment.read': {
    level: 'environment',
    organisation: ADMINS,
    project: 'viewer',
    environment: 'view',
    what: 'read this environment',
  },
  'environment.propose': {
    level: 'environment',
    organisation: ADMINS,
    project: 'editor',
    environment: 'propose',
    what: 'propose changes to this environment',
  },
  'environment.edit': {
    level: 'environment',
    organisation: ADMINS,
    project: 'editor',
    environment: 'edit',
    what: 'change flags, overrides, identities and experiments in this environment',
  },
  'environment.manage': {
    level: 'environment',
    organisation: ADMINS,
    project: 'admin',
    what: "manage this environment's settings and keys",
  },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether a permission needs a project (and maybe an environment) resolved from the request. */
export function levelOf(permission: Permission): Level {
  return PERMISSIONS[permission].level;
}

const PROJECT_RANK: Record<ProjectRole, number> = { viewer: 0, editor: 1, admin: 2 };
const ACCESS_RANK: Record<EnvironmentAccess, number> = { view: 0, propose: 1, edit: 2 };
const ORGANISATION_RANK: Record<OrganisationRole, number> = { member: 0, admin: 1, owner: 2 };

/** Whether `role` is at least `other`: an admin may hand out admin and member, not owner. */
export function atLeast(role: OrganisationRole, other: OrganisationRole): boolean {
  return ORGANISATION_RANK[role] >= ORGANISATION_RANK[other];
}

/** What a member may do in one environment of a project they have `grant` in. */
export function environmentAccess(grant: ProjectGrant, environmentId: string): EnvironmentAccess {
  if (grant.role === 'admin') return 'edit';
  if (grant.role === 'viewer') return 'view';
  return grant.environments[environmentId] ?? 'edit';
}

/** Who is asking: an organisation role, and a member's project grants. */
export interface Grants {
  role: OrganisationRole;
  projects: ReadonlyMap<string, ProjectGrant>;
}

/** Why a request is refused, for the 403 message; `propose` marks "needs a change request". */
export interface Refusal {
  message: string;
  propose: boolean;
}

/**
 * Decides one request: undefined when allowed, else why not. The message names the role that
 * would be needed, so the person knows whom to ask.
 */
export function decide(grants: Grants, permission: Permission, scope: Scope): Refusal | undefined {
  const rule: Rule = PERMISSIONS[permission];
  if (rule.organisation.includes(grants.role)) return undefined;
  const needs = (what: string) => ({
    message: `Your role does not allow you to ${rule.what}: it needs ${what}.`,
    propose: false,
  });
  if (rule.level === 'organisation' || rule.level === 'none' || !rule.project) {
    return needs(`the organisation role ${rule.organisation.join(' or ')} (you are ${grants.role})`);
  }
  const project = scope.project;
  const grant = project ? grants.projects.get(project.id) : undefined;
  const inProject = project?.name ? ` in project '${project.name}'` : project ? ' in this project' : '';
  const wanted = `the project role ${rolesFrom(rule.project)}${inProject}`;
  if (!grant) return needs(`${wanted} (you have no role there)`);
  if (PROJECT_RANK[grant.role] < PROJECT_RANK[rule.project])
    return needs(`${wanted} (you are ${grant.role})`);
  if (rule.level !== 'environment' || !rule.environment || !scope.environment) return undefined;
  const access = environmentAccess(grant, scope.environment.id);
  if (ACCESS_RANK[access] >= ACCESS_RANK[rule.environment]) return undefined;
  const where = `environment '${scope.environment.key}'`;
  if (access === 'propose') {
    return {
      message:
        `In ${where} you may only propose changes: this change needs a change request, ` +
        "reviewed by someone who may edit there (direct changes need 'edit' access).",
      propose: true,
    };
  }
  return needs(`'${rule.environment}' access to ${where} (you have '${access}')`);
}

function rolesFrom(least: ProjectRole): string {
  return PROJECT_ROLES.filter((role) => PROJECT_RANK[role] >= PROJECT_RANK[least]).join(' or ');
}
