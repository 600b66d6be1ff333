import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { pageExample, serverKeyExample } from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery, RefParams } from '../http/schemas.js';
import { ServerKeysRepository } from './server-keys.repository.js';
import { CreateServerKey, ServerKey, ServerKeyParams } from './server-keys.schema.js';
import { maskKey, ServerKeysService } from './server-keys.service.js';

/** Admin API: `/environments/:id/server-keys`; registered by `environmentsRoutes`. */
export function serverKeysRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new ServerKeysService(new ServerKeysRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['environments'];
    app.get(
      '/environments/:id/server-keys',
      {
        config: access('environment.read', { environment: 'id' }),
        schema: {
          tags,
          summary: "List an environment's server keys",
          description: 'Keys are masked but for their last 4 characters: only creation shows a key whole.',
          params: RefParams,
          querystring: PageQuery,
          response: {
            200: withExample(
              Page(ServerKey),
              pageExample({ ...serverKeyExample, key: maskKey(serverKeyExample.key) }),
            ),
            ...adminErrors,
          },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.id, request.query),
    );
    app.post(
      '/environments/:id/server-keys',
      {
        config: access('environment.manage', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Create a server key',
          description:
            'A secret `ser.…` key for backends: server SDKs use it to download the environment ' +
            'document (every rule) and evaluate locally. The answer is the only time it is shown whole.',
          params: RefParams,
          body: withExample(CreateServerKey, { name: 'checkout-service' }),
          response: { 201: withExample(ServerKey, serverKeyExample), ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.create(principal(request).organisationId, request.params.id, request.body)),
    );
    app.delete(
      '/environments/:id/server-keys/:keyId',
      {
        config: access('environment.manage', { environment: 'id' }),
        schema: {
          tags,
          summary: 'Revoke a server key',
          description: 'The key stops working at once, on every replica.',
          params: ServerKeyParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.delete(principal(request).organisationId, request.params.id, request.params.keyId);
        return reply.status(204).send(null);
      },
    );
  };
}
