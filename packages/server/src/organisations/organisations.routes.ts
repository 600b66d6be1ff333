import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { organisationExample } from '../http/openapi-examples.js';
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
      {
        config: access('organisation.read'),
        schema: {
          tags,
          summary: "Get the calling token's organisation",
          response: { 200: withExample(Organisation, organisationExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId),
    );
    app.patch(
      '/organisation',
      {
        config: access('organisation.manage'),
        schema: {
          tags,
          summary: 'Rename the organisation',
          body: withExample(UpdateOrganisation, { name: 'Acme Retail' }),
          response: {
            200: withExample(Organisation, { ...organisationExample, name: 'Acme Retail' }),
            ...adminErrors,
          },
        },
      },
      (request) => service.update(principal(request).organisationId, request.body),
    );
  };
}
