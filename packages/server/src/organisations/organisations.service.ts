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
    const current = await this.get(organisationId);
    if (input.name === undefined || input.name === current.name) return current;
    await this.organisations.update(organisationId, { name: input.name });
    return { ...current, name: input.name };
  }
}
