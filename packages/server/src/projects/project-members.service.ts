import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.record.js';
import type { EnvironmentAccess, ProjectRole } from '../auth/permissions.js';
import { conflict, invalid, notFound } from '../errors.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { Tables } from '../storage/tables.js';
import { resolveProject } from './project-lookup.js';
import type { ProjectMembersRepository } from './project-members.repository.js';
import type { AddProjectMember, ProjectMember, UpdateProjectMember } from './project-members.schema.js';

type Limits = Record<string, EnvironmentAccess>;

/**
 * Checks a project role before it is stored: environment limits belong to editors only and
 * name environments of that project. Used for members and for invitations alike.
 */
export async function checkProjectRole(
  db: Kysely<Tables>,
  projectId: string,
  role: ProjectRole,
  environments: Limits | undefined,
): Promise<Limits> {
  const limits = environments ?? {};
  const ids = Object.keys(limits);
  if (ids.length === 0) return {};
  if (role !== 'editor') {
    throw invalid(
      'environment_limits_for_editors',
      `Only editors have per-environment limits; a project ${role} has the same access everywhere. Leave out 'environments'.`,
    );
  }
  const known = await db
    .selectFrom('environments')
    .select('id')
    .where('project_id', '=', projectId)
    .where('id', 'in', ids)
    .execute();
  const missing = ids.filter((id) => !known.some((row) => row.id === id));
  if (missing.length > 0) {
    throw invalid(
      'environment_not_in_project',
      `No environment with id '${missing[0]}' in this project; limits name environments of the project by id.`,
    );
  }
  return limits;
}

/** People's roles in one project. Organisation owners and admins have every project already. */
export class ProjectMembersService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly members: ProjectMembersRepository,
  ) {}

  async list(organisationId: string, projectRef: string): Promise<{ items: ProjectMember[] }> {
    const project = await resolveProject(this.db, organisationId, projectRef);
    return { items: (await this.members.list(project.id)).map(toMember) };
  }

  async add(organisationId: string, projectRef: string, input: AddProjectMember): Promise<ProjectMember> {
    const project = await resolveProject(this.db, organisationId, projectRef);
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', input.user_id)
      .executeTakeFirst();
    if (!user) throw notFound('user', input.user_id);
    if (user.role !== 'member') {
      throw conflict(
        'organisation_admin',
        `That person is an organisation ${user.role} and already administers every project.`,
      );
    }
    if (await this.members.find(project.id, user.id)) throw alreadyMember();
    const environments = await checkProjectRole(this.db, project.id, input.role, input.environments);
    const now = new Date().toISOString();
    const adding = this.members.transaction(async (members, trx) => {
      await members.insert({
        project_id: project.id,
        user_id: user.id,
        role: input.role,
        environments: JSON.stringify(environments),
        created_at: now,
        updated_at: now,
      });
      const added = await get(members, project.id, user.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, project.id, user.id),
        action: 'create',
        after: added,
      });
      return added;
    });
    // Two admins adding the same person at once: the second finds the first's row.
    return adding.catch((error: unknown) => {
      throw isUniqueViolation(error) ? alreadyMember() : error;
    });
  }

  async update(
    organisationId: string,
    projectRef: string,
    userId: string,
    input: UpdateProjectMember,
  ): Promise<ProjectMember> {
    const project = await resolveProject(this.db, organisationId, projectRef);
    const current = await get(this.members, project.id, userId);
    const role = input.role ?? current.role;
    // A new role without new limits keeps the old ones only where they still apply (editors).
    const wanted = input.environments ?? (role === 'editor' ? current.environments : {});
    const environments = await checkProjectRole(this.db, project.id, role, wanted);
    return this.members.transaction(async (members, trx) => {
      // Read again inside: the record's "before" is what this change replaced.
      const before = await get(members, project.id, userId);
      await members.update(project.id, userId, {
        role,
        environments: JSON.stringify(environments),
        updated_at: new Date().toISOString(),
      });
      const after = await get(members, project.id, userId);
      await recordAudit(trx, {
        ...auditScope(organisationId, project.id, userId),
        action: 'update',
        before,
        after,
      });
      return after;
    });
  }

  async remove(organisationId: string, projectRef: string, userId: string): Promise<void> {
    const project = await resolveProject(this.db, organisationId, projectRef);
    await this.members.transaction(async (members, trx) => {
      const before = await get(members, project.id, userId);
      await members.delete(project.id, userId);
      await recordAudit(trx, { ...auditScope(organisationId, project.id, userId), action: 'delete', before });
    });
  }
}

const alreadyMember = () =>
  conflict(
    'already_member',
    'That person is a member of this project already; change their role with PATCH.',
  );

async function get(
  members: ProjectMembersRepository,
  projectId: string,
  userId: string,
): Promise<ProjectMember> {
  const row = await members.find(projectId, userId);
  if (!row) throw notFound('project_member', userId, 'user id');
  return toMember(row);
}

/** A project role is recorded under the person's id, in the project's history. */
function auditScope(organisationId: string, projectId: string, userId: string) {
  return {
    organisation_id: organisationId,
    resource_type: 'project_member' as const,
    resource_id: userId,
    project_id: projectId,
  };
}

function toMember(row: {
  user_id: string;
  email: string;
  name: string;
  role: string;
  environments: string;
  created_at: string;
  updated_at: string;
}): ProjectMember {
  return {
    ...row,
    role: row.role as ProjectRole,
    environments: JSON.parse(row.environments) as Limits,
  };
}
