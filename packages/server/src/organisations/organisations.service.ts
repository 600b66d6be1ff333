import { recordAudit } from '../audit/audit.record.js';
import { notFound } from '../errors.js';
import type { OrganisationsRepository } from './organisations.repository.js';
import type { Organisation, UpdateOrganisation } from './organisations.schema.js';

/**
 * The caller's organisation. Its name is not part of any evaluation context, so renaming it
 * records no configuration change.
 */
export class OrganisationsService {
  constructor(private readonly organisations: OrganisationsRepository) {}

  /** `organisation_not_found` only if the organisation vanished while its token was in flight. */
  async get(organisationId: string): Promise<Organisation> {
    const row = await this.organisations.find(organisationId);
    if (!row) throw notFound('organisation', organisationId);
    return row;
  }

  async update(organisationId: string, input: UpdateOrganisation): Promise<Organisation> {
    return this.organisations.transaction(async (repository, trx) => {
      const current = await repository.find(organisationId);
      if (!current) throw notFound('organisation', organisationId);
      if (input.name === undefined || input.name === current.name) return current;
      await repository.update(organisationId, { name: input.name });
      const after = { ...current, name: input.name };
      await recordAudit(trx, {
        organisation_id: organisationId,
        resource_type: 'organisation',
        resource_id: organisationId,
        action: 'update',
        before: current,
        after,
      });
      return after;
    });
  }
}
