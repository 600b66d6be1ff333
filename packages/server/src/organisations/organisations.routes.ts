import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { adminErrors } from '../http/schemas.js';
import { OrganisationsRepository } from './organisations.repository.js';
import { Organisation, UpdateOrganisation } from './organisations.schema.js';
import { OrganisationsService } from './organisations.service.js';

/** Admin API: `/organisation`, the singular organisation of the calling token. */
export function organisationsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new OrganisationsService(new OrganisationsRepository(ctx.db));
  return async (app) => {
    const tags = ['organisation'];
    app.get(
      '/organisation',
      { schema: { tags, response: { 200: Organisation, ...adminErrors } } },
      (request) => service.get(principal(request).organisationId),
    );
    app.patch(
      '/organisation',
      { schema: { tags, body: UpdateOrganisation, response: { 200: Organisation, ...adminErrors } } },
      (request) => service.update(principal(request).organisationId, request.body),
    );
  };
}
