import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.record.js';
import { runAs } from '../auth/actor.js';
import { hashPassword } from '../auth/passwords.js';
import type { EnvironmentAccess, OrganisationRole, ProjectRole } from '../auth/permissions.js';
import { hashToken } from '../auth/tokens.js';
import { forbidden, notFound, PennonError } from '../errors.js';
import { resolveProject } from '../projects/project-lookup.js';
import { checkProjectRole } from '../projects/project-members.service.js';
import { newId, newSecret } from '../shared/ids.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { InvitationRow, ProjectMemberRow, Tables, UserRow } from '../storage/tables.js';
import type { InvitationsRepository } from './invitations.repository.js';
import type {
  AcceptInvitation,
  CreatedInvitation,
  CreateInvitation,
  Invitation,
} from './invitations.schema.js';
import type { UserSummary } from './users.schema.js';
import { type Changer, emailTaken, normaliseEmail } from './users.service.js';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;
const INVITATION_PREFIX = 'inv_';

interface InvitedProject {
  project_id: string;
  role: ProjectRole;
  environments?: Record<string, EnvironmentAccess>;
}

const invitationNotFound = () =>
  new PennonError(
    'not_found',
    'invitation_not_found',
    'This invitation link is not valid (already used, withdrawn or mistyped); ask for a new one.',
  );

/**
 * Invitations by link: an owner or admin names an email and the roles the person will have;
 * whoever opens the link before it expires picks a name and password and is signed in.
 */
export class InvitationsService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly invitations: InvitationsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `baseUrl` is where people open the console; the token rides in the link's fragment. */
  async create(
    organisationId: string,
    input: CreateInvitation,
    by: Changer,
    baseUrl: string,
  ): Promise<CreatedInvitation> {
    const role: OrganisationRole = input.organisation_role ?? 'member';
    if (role === 'owner' && by.role !== 'owner') {
      throw forbidden(`Only an owner can invite an owner; you are ${by.role}.`);
    }
    const email = normaliseEmail(input.email);
    if (await this.invitations.emailTaken(email)) throw emailTaken(email);
    const projects: InvitedProject[] = [];
    for (const wanted of input.projects ?? []) {
      const project = await resolveProject(this.db, organisationId, wanted.project_id);
      const environments = await checkProjectRole(this.db, project.id, wanted.role, wanted.environments);
      projects.push({ project_id: project.id, role: wanted.role, environments });
    }
    const token = newSecret(INVITATION_PREFIX);
    const now = this.now();
    const row = {
      id: newId(now.getTime()),
      organisation_id: organisationId,
      email,
      organisation_role: role,
      projects: JSON.stringify(projects),
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + INVITATION_DAYS * 24 * 3600 * 1000).toISOString(),
    };
    await this.invitations.transaction(async (invitations, trx) => {
      await invitations.insert(row);
      // The token (and the link, which carries it) stays out of the log; the id names it.
      await recordAudit(trx, {
        ...auditScope(organisationId, row.id),
        action: 'create',
        after: toInvitation(row),
      });
    });
    const url = `${baseUrl}/accept-invitation#token=${encodeURIComponent(token)}`;
    return { id: row.id, email, url, token, expires_at: row.expires_at };
  }

  async pending(organisationId: string): Promise<{ items: Invitation[] }> {
    const rows = await this.invitations.pending(organisationId, this.now().toISOString());
    return { items: rows.map(toInvitation) };
  }

  async withdraw(organisationId: string, id: string, by: Changer): Promise<void> {
    await this.invitations.transaction(async (invitations, trx) => {
      const row = await invitations.find(organisationId, id);
      if (!row) throw notFound('invitation', id);
      if (row.organisation_role === 'owner' && by.role !== 'owner') {
        throw forbidden(`Only an owner can withdraw an owner's invitation; you are ${by.role}.`);
      }
      await invitations.delete(id);
      await recordAudit(trx, {
        ...auditScope(organisationId, id),
        action: 'delete',
        before: toInvitation(row),
      });
    });
  }

  /** Creates the person with the invited roles, spends the invitation, and returns them. */
  async accept(input: AcceptInvitation): Promise<UserSummary> {
    const found = await this.invitations.findByTokenHash(hashToken(input.token));
    if (!found) throw invitationNotFound();
    if (found.expires_at <= this.now().toISOString()) {
      throw new PennonError(
        'not_found',
        'invitation_expired',
        `This invitation expired at ${found.expires_at}; ask for a new one.`,
      );
    }
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.invitations.transaction(async (invitations, trx) => {
        // Read again inside: two tabs accepting the same link must make one account.
        const invitation = await invitations.findByTokenHash(hashToken(input.token));
        if (!invitation) throw invitationNotFound();
        if (await invitations.emailTaken(invitation.email)) throw emailTaken(invitation.email);
        const now = this.now().toISOString();
        const user = {
          id: newId(),
          organisation_id: invitation.organisation_id,
          email: invitation.email,
          name: input.name,
          password_hash: passwordHash,
          role: invitation.organisation_role,
          created_at: now,
          updated_at: now,
        };
        await invitations.insertUser(user);
        const projects = JSON.parse(invitation.projects) as InvitedProject[];
        const existing = await invitations.existingProjects(projects.map((p) => p.project_id));
        const members = projects
          .filter((p) => existing.has(p.project_id))
          .map((p) => ({
            project_id: p.project_id,
            user_id: user.id,
            role: p.role,
            environments: JSON.stringify(p.environments ?? {}),
            created_at: now,
            updated_at: now,
          }));
        await invitations.addMembers(members);
        await invitations.deleteForEmail(invitation.email);
        // Nobody is signed in yet: the new person accepts, so the records are theirs.
        const person = { kind: 'user' as const, id: user.id, organisationId: user.organisation_id };
        await runAs(person, () => recordAcceptance(trx, invitation, user, members));
        return { id: user.id, email: user.email, name: user.name };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(found.email);
      throw error;
    }
  }
}

/**
 * The records of an accepted invitation: the invitation spent, the person created, and each
 * project role they got (so a project's admins see who joined it).
 */
async function recordAcceptance(
  trx: Transaction<Tables>,
  invitation: InvitationRow,
  user: UserRow,
  members: readonly ProjectMemberRow[],
): Promise<void> {
  const organisationId = invitation.organisation_id;
  await recordAudit(trx, {
    ...auditScope(organisationId, invitation.id),
    action: 'accept',
    before: toInvitation(invitation),
    after: { user_id: user.id },
  });
  const { password_hash: _, organisation_id: __, ...person } = user;
  await recordAudit(trx, {
    organisation_id: organisationId,
    resource_type: 'user',
    resource_id: user.id,
    action: 'create',
    after: person,
  });
  for (const member of members) {
    await recordAudit(trx, {
      organisation_id: organisationId,
      resource_type: 'project_member',
      resource_id: user.id,
      action: 'create',
      project_id: member.project_id,
      after: {
        user_id: user.id,
        email: user.email,
        name: user.name,
        role: member.role,
        environments: JSON.parse(member.environments),
        created_at: member.created_at,
        updated_at: member.updated_at,
      },
    });
  }
}

function auditScope(organisationId: string, id: string) {
  return { organisation_id: organisationId, resource_type: 'invitation' as const, resource_id: id };
}

function toInvitation(row: {
  id: string;
  email: string;
  organisation_role: string;
  projects: string;
  created_at: string;
  expires_at: string;
}): Invitation {
  // Field by field: a full row also holds the token's digest, which no representation shows.
  return {
    id: row.id,
    email: row.email,
    organisation_role: row.organisation_role as OrganisationRole,
    projects: JSON.parse(row.projects) as InvitedProject[],
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}
