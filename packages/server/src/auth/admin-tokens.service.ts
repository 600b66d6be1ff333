import { recordAudit } from '../audit/audit.record.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { newId } from '../shared/ids.js';
import { newAdminToken } from '../shared/keys.js';
import type { PageRequest } from '../storage/paging.js';
import type { AdminTokensRepository } from './admin-tokens.repository.js';
import type { AdminToken, CreateAdminToken, CreatedAdminToken } from './admin-tokens.schema.js';
import { atLeast, type OrganisationRole } from './permissions.js';
import { hashToken } from './tokens.js';

/** Who creates or revokes a token: a token never gets more than its creator has. */
export interface TokenChanger {
  role: OrganisationRole;
}

/**
 * Admin tokens of an organisation. Only the sha256 digest is stored, so a token is shown once,
 * at creation. An organisation always keeps at least one token, or nobody could administer it
 * without a person signing in. Each token has an organisation role (owner or admin).
 */
export class AdminTokensService {
  constructor(private readonly tokens: AdminTokensRepository) {}

  list(organisationId: string, page: PageRequest): Promise<PageResult<AdminToken>> {
    return this.tokens.list(organisationId, page) as Promise<PageResult<AdminToken>>;
  }

  /** The role defaults to the creator's, and may not be above it. */
  async create(
    organisationId: string,
    input: CreateAdminToken,
    by: TokenChanger,
  ): Promise<CreatedAdminToken> {
    const role = input.role ?? (by.role === 'owner' ? 'owner' : 'admin');
    if (!atLeast(by.role, role)) {
      throw forbidden(`A token may not have more rights than its creator: you are ${by.role}, not ${role}.`);
    }
    const token = newAdminToken();
    const row = {
      id: newId(),
      organisation_id: organisationId,
      name: input.name,
      role,
      token_hash: hashToken(token),
      created_at: new Date().toISOString(),
    };
    const created = { id: row.id, name: row.name, role, created_at: row.created_at };
    await this.tokens.transaction(async (tokens, trx) => {
      await tokens.insert(row);
      // The token's digest and value stay out of the log; the id names it.
      await recordAudit(trx, { ...auditScope(organisationId, row.id), action: 'create', after: created });
    });
    return { ...created, token };
  }

  /**
   * Revokes at once: admin authentication reads tokens from storage on every request. The
   * organisation's last token is refused with `last_admin_token` (only it can be asking).
   */
  async delete(organisationId: string, id: string, by: TokenChanger): Promise<void> {
    await this.tokens.transaction(async (tokens, trx) => {
      await tokens.lockOrganisation(organisationId);
      const current = await tokens.find(organisationId, id);
      if (!current) throw notFound('admin_token', id);
      if (current.role === 'owner' && by.role !== 'owner') {
        throw forbidden(`Only an owner can revoke an owner's token; you are ${by.role}.`);
      }
      if ((await tokens.count(organisationId)) <= 1) {
        throw conflict(
          'last_admin_token',
          'This is the last admin token of the organisation; create another first.',
        );
      }
      await tokens.delete(id);
      await recordAudit(trx, { ...auditScope(organisationId, id), action: 'delete', before: current });
    });
  }
}

function auditScope(organisationId: string, id: string) {
  return { organisation_id: organisationId, resource_type: 'admin_token' as const, resource_id: id };
}
