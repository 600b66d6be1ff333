import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { pageExample } from '../http/openapi-examples.js';
import { signInExample, userExample, userSummaryExample } from '../http/openapi-people-examples.js';
import { adminErrors, IdParams, Page, PageQuery, Ref } from '../http/schemas.js';
import { UsersRepository } from './users.repository.js';
import { CreateUser, UpdateUser, User, UserSummary } from './users.schema.js';
import { UsersService } from './users.service.js';

/** Admin API: `/users`, the people of the caller's organisation and their organisation roles. */
export function usersRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new UsersService(new UsersRepository(ctx.db));
  return async (app) => {
    const tags = ['people'];
    app.get(
      '/users',
      {
        config: access('users.read'),
        schema: {
          tags,
          summary: 'List people',
          querystring: PageQuery,
          response: { 200: withExample(Page(User), pageExample(userExample)), ...adminErrors },
        },
      },
      (request) => service.list(principal(request).organisationId, request.query),
    );
    app.post(
      '/users',
      {
        config: access('users.manage'),
        schema: {
          tags,
          summary: 'Create a person with a password',
          description:
            'For automation; people are usually invited (POST /invitations). `role` defaults to member; ' +
            'only an owner can create an owner.',
          body: withExample(CreateUser, { ...signInExample, name: 'Grace Hopper', role: 'member' }),
          response: { 201: withExample(User, userExample), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        return reply.status(201).send(await service.create(who.organisationId, request.body, who));
      },
    );
    app.get(
      '/projects/:projectId/member-candidates',
      {
        // Whoever may manage the project's members, not only organisation admins.
        config: access('project.manage', { project: 'projectId' }),
        schema: {
          tags,
          summary: 'List the people who may be added to a project',
          description:
            'The organisation members without a role in the project yet, by id, name and email only: ' +
            'what a project admin needs to add someone (POST /projects/{projectId}/members). Owners and ' +
            'admins are left out: they administer every project already.',
          params: Type.Object({ projectId: Ref }),
          querystring: PageQuery,
          response: {
            200: withExample(Page(UserSummary), pageExample(userSummaryExample)),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.memberCandidates(principal(request).organisationId, request.params.projectId, request.query),
    );
    app.get(
      '/users/:id',
      {
        config: access('users.read'),
        schema: {
          tags,
          summary: 'Get a person',
          params: IdParams,
          response: { 200: withExample(User, userExample), ...adminErrors },
        },
      },
      (request) => service.get(principal(request).organisationId, request.params.id),
    );
    app.patch(
      '/users/:id',
      {
        config: access('users.manage'),
        schema: {
          tags,
          summary: 'Rename a person, change their role or set their password',
          description:
            'Only an owner can change an owner or make someone owner; the last owner cannot stop being ' +
            'one (409 `last_owner`). A new password signs the person out everywhere.',
          params: IdParams,
          body: withExample(UpdateUser, { role: 'admin' }),
          response: { 200: withExample(User, { ...userExample, role: 'admin' }), ...adminErrors },
        },
      },
      (request) => {
        const who = principal(request);
        return service.update(who.organisationId, request.params.id, request.body, who);
      },
    );
    app.delete(
      '/users/:id',
      {
        config: access('users.manage'),
        schema: {
          tags,
          summary: 'Remove a person',
          description:
            'Their sessions end at once. Only an owner can remove an owner, and never the last one.',
          params: IdParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        await service.delete(who.organisationId, request.params.id, who);
        return reply.status(204).send(null);
      },
    );
  };
}
