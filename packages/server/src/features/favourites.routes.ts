import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { ProjectParams } from '../environments/environments.schema.js';
import { withExample } from '../http/openapi.js';
import { exampleIds } from '../http/openapi-examples.js';
import { adminErrors, RefParams } from '../http/schemas.js';
import { FavouritesRepository } from './favourites.repository.js';
import { Favourites } from './favourites.schema.js';
import { FavouritesService } from './favourites.service.js';

/** Admin API: the signed-in user's favourite features (`/projects/:projectId/favourites`, `/features/:id/favourite`). */
export function favouritesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new FavouritesService(new FavouritesRepository(ctx.db));
  return async (app) => {
    const tags = ['features'];
    app.get(
      '/projects/:projectId/favourites',
      {
        config: access('project.read', { project: 'projectId' }),
        schema: {
          tags,
          summary: "List the signed-in user's favourite features",
          description: 'Favourites are per person; an admin token has none (an empty list).',
          params: ProjectParams,
          response: { 200: withExample(Favourites, { feature_ids: [exampleIds.feature] }), ...adminErrors },
        },
      },
      (request) => service.list(principal(request), request.params.projectId),
    );
    for (const [method, favourite] of [
      ['PUT', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/features/:id/favourite',
        config: access('project.read', { feature: 'id' }),
        schema: {
          tags,
          summary: favourite ? 'Mark a feature as a favourite' : 'Unmark a favourite feature',
          description:
            'For the signed-in user only, and idempotent. Anyone who may read the project may keep ' +
            'favourites; an admin token gets 400 `user_session_required`.',
          params: RefParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
        handler: async (request, reply) => {
          await service.set(principal(request), request.params.id, favourite);
          return reply.status(204).send(null);
        },
      });
    }
  };
}
