import { recordAudit } from '../audit/audit.record.js';
import { hashPassword } from '../auth/passwords.js';
import type { OrganisationRole } from '../auth/permissions.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { newId } from '../shared/ids.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { UsersRepository } from './users.repository.js';
import type { CreateUser, UpdateUser, User, UserSummary } from './users.schema.js';

/** Who is changing people: only an owner may create, change or remove an owner. */
export interface Changer {
  role: OrganisationRole;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export const emailTaken = (email: string) =>
  conflict('email_taken', `Someone already signs in as '${email}'; an email belongs to one account.`);

function onlyOwners(by: Changer, what: string): void {
  if (by.role !== 'owner') throw forbidden(`Only an owner can ${what}; you are ${by.role}.`);
}

/**
 * People of an organisation, each with an organisation role. An organisation keeps at least
 * one owner (a person or an admin token), or nobody could manage its owners any more.
 */
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  list(organisationId: string, page: PageRequest): Promise<PageResult<User>> {
    return this.users.list(organisationId, page) as Promise<PageResult<User>>;
  }

  /**
   * Whom a project's admins may add to it: the organisation's members not in it yet, by id,
   * name and email only. Narrower than `list`, so a project admin who is an ordinary member
   * can pick people without reading the organisation's roles.
   */
  async memberCandidates(
    organisationId: string,
    projectRef: string,
    page: PageRequest,
  ): Promise<PageResult<UserSummary>> {
    const project = await this.users.project(organisationId, projectRef);
    return this.users.memberCandidates(organisationId, project.id, page);
  }

  async get(organisationId: string, id: string): Promise<User> {
    const user = await this.users.find(organisationId, id);
    if (!user) throw notFound('user', id);
    return user as User;
  }

  async create(organisationId: string, input: CreateUser, by: Changer): Promise<User> {
    const role = input.role ?? 'member';
    if (role === 'owner') onlyOwners(by, 'make someone an owner');
    const email = normaliseEmail(input.email);
    if (await this.users.findByEmail(email)) throw emailTaken(email);
    const now = new Date().toISOString();
    const row = {
      id: newId(),
      organisation_id: organisationId,
      email,
      name: input.name,
      password_hash: await hashPassword(input.password),
      role,
      created_at: now,
      updated_at: now,
    };
    const { password_hash: _, organisation_id: __, ...user } = row;
    try {
      await this.users.transaction(async (users, trx) => {
        await users.insert(row);
        await recordAudit(trx, { ...auditScope(organisationId, row.id), action: 'create', after: user });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(email);
      throw error;
    }
    return user;
  }

  /** A new password signs the person out everywhere; a new role applies to their next request. */
  async update(organisationId: string, id: string, input: UpdateUser, by: Changer): Promise<User> {
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    return this.users.transaction(async (users, trx) => {
      await users.lockOrganisation(organisationId);
      const current = await users.find(organisationId, id);
      if (!current) throw notFound('user', id);
      const role = input.role ?? current.role;
      if (current.role === 'owner' || role === 'owner')
        onlyOwners(by, 'change an owner or make someone owner');
      if (current.role === 'owner' && role !== 'owner') await assertNotLastOwner(users, organisationId);
      const changes = {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
      };
      if (Object.keys(changes).length === 0) return current as User;
      const updated_at = new Date().toISOString();
      await users.update(id, { ...changes, updated_at });
      if (passwordHash !== undefined) await users.deleteSessions(id);
      const updated = { ...current, name: changes.name ?? current.name, role, updated_at } as User;
      await recordAudit(trx, {
        ...auditScope(organisationId, id),
        action: 'update',
        before: current,
        // The hash never goes in the log; that the password changed does.
        after: passwordHash === undefined ? updated : { ...updated, password_changed: true },
      });
      return updated;
    });
  }

  async delete(organisationId: string, id: string, by: Changer): Promise<void> {
    await this.users.transaction(async (users, trx) => {
      await users.lockOrganisation(organisationId);
      const current = await users.find(organisationId, id);
      if (!current) throw notFound('user', id);
      if (current.role === 'owner') {
        onlyOwners(by, 'remove an owner');
        await assertNotLastOwner(users, organisationId);
      }
      await users.delete(id);
      await recordAudit(trx, { ...auditScope(organisationId, id), action: 'delete', before: current });
    });
  }
}

async function assertNotLastOwner(users: UsersRepository, organisationId: string): Promise<void> {
  if ((await users.countOwners(organisationId)) <= 1) {
    throw conflict(
      'last_owner',
      'This is the last owner of the organisation (people and admin tokens); make someone else owner first.',
    );
  }
}

function auditScope(organisationId: string, id: string) {
  return { organisation_id: organisationId, resource_type: 'user' as const, resource_id: id };
}
