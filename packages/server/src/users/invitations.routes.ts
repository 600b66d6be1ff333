import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { signedIn } from '../auth/sessions.routes.js';
import { SignedIn } from '../auth/sessions.schema.js';
import { SessionsService } from '../auth/sessions.service.js';
import type { AppContext } from '../context.js';
import { security, withExample } from '../http/openapi.js';
import {
  acceptInvitationExample,
  createdInvitationExample,
  createInvitationExample,
  invitationExample,
  signedInExample,
} from '../http/openapi-people-examples.js';
import { publicOrigin } from '../http/public-url.js';
import { adminErrors, IdParams } from '../http/schemas.js';
import { InvitationsRepository } from './invitations.repository.js';
import { AcceptInvitation, CreatedInvitation, CreateInvitation, Invitation } from './invitations.schema.js';
import { INVITATION_DAYS, InvitationsService } from './invitations.service.js';
import { UsersRepository } from './users.repository.js';

/** Admin API: `/invitations`, and `/auth/accept-invitation` for the invited person. */
export function invitationsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new InvitationsService(ctx.db, new InvitationsRepository(ctx.db));
  const sessions = new SessionsService(new SessionsRepository(ctx.db), new UsersRepository(ctx.db));
  return async (app) => {
    const tags = ['people'];
    app.post(
      '/invitations',
      {
        config: access('users.manage'),
        schema: {
          tags,
          summary: 'Invite a person by link',
          description:
            `The answer carries the link (\`url\`) and its token, shown only now; it works for ${INVITATION_DAYS} days. ` +
            'Only an owner can invite an owner.',
          body: withExample(CreateInvitation, createInvitationExample),
          response: { 201: withExample(CreatedInvitation, createdInvitationExample), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        const base = publicOrigin(ctx.config.publicUrl, request.raw);
        return reply.status(201).send(await service.create(who.organisationId, request.body, who, base));
      },
    );
    app.get(
      '/invitations',
      {
        config: access('users.read'),
        schema: {
          tags,
          summary: 'List pending invitations',
          response: {
            200: withExample(Type.Object({ items: Type.Array(Invitation) }), { items: [invitationExample] }),
            ...adminErrors,
          },
        },
      },
      (request) => service.pending(principal(request).organisationId),
    );
    app.delete(
      '/invitations/:id',
      {
        config: access('users.manage'),
        schema: {
          tags,
          summary: 'Withdraw an invitation',
          description: 'Its link stops working at once.',
          params: IdParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const who = principal(request);
        await service.withdraw(who.organisationId, request.params.id, who);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/auth/accept-invitation',
      {
        config: access('public'),
        schema: {
          tags,
          summary: 'Accept an invitation',
          description:
            'Takes the token from the invitation link, a name and a password; creates the person with ' +
            'the invited roles and signs them in, as sign-in does.',
          security: security.none,
          body: withExample(AcceptInvitation, acceptInvitationExample),
          response: { 200: withExample(SignedIn, signedInExample), ...adminErrors },
        },
      },
      async (request, reply) => {
        const user = await service.accept(request.body);
        const started = await sessions.start(user, {
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        });
        return signedIn(request, reply, started, ctx.config.publicUrl);
      },
    );
  };
}
