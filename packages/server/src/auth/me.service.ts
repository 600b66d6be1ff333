import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { ProjectMembersRepository } from '../projects/project-members.repository.js';
import type { Tables } from '../storage/tables.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AdminPrincipal } from './admin-auth.js';
import { type EnvironmentAccess, environmentAccess, type ProjectGrant } from './permissions.js';
import type { Me } from './sessions.schema.js';

/** Everything about themselves a caller needs to draw the console: who, where, and what they may do. */
export class MeService {
  private readonly organisations: OrganisationsRepository;
  private readonly users: UsersRepository;
  private readonly members: ProjectMembersRepository;

  constructor(db: Kysely<Tables>) {
    this.organisations = new OrganisationsRepository(db);
    this.users = new UsersRepository(db);
    this.members = new ProjectMembersRepository(db);
  }

  async describe(who: AdminPrincipal): Promise<Me> {
    const organisation = await this.organisations.find(who.organisationId);
    if (!organisation) throw notFound('organisation', who.organisationId);
    const user = who.userId ? await this.users.find(who.organisationId, who.userId) : undefined;
    // Owners and admins administer every project; members have what they were given.
    const everything: ProjectGrant = { role: 'admin', environments: {} };
    const projectsOfOrganisation = await this.members.projects(who.organisationId);
    const grants =
      who.role === 'member'
        ? who.projects
        : new Map(projectsOfOrganisation.map((project) => [project.id, everything]));
    // Names let the console word a refusal as the server does: "…in project 'Shop'".
    const names = new Map(projectsOfOrganisation.map((project) => [project.id, project.name]));
    const environments = await this.members.environmentIds([...grants.keys()]);
    const projects = [...grants].map(([projectId, grant]) => {
      const access: Record<string, EnvironmentAccess> = {};
      for (const environment of environments) {
        if (environment.project_id === projectId)
          access[environment.id] = environmentAccess(grant, environment.id);
      }
      return {
        project_id: projectId,
        project_name: names.get(projectId) ?? projectId,
        role: grant.role,
        environments: access,
      };
    });
    return {
      user: user ? { id: user.id, email: user.email, name: user.name } : null,
      csrf_token: who.csrfToken ?? null,
      organisation: { id: organisation.id, name: organisation.name },
      organisation_role: who.role,
      projects,
    };
  }
}
