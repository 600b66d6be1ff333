import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { projectMemberExample } from '../http/openapi-people-examples.js';
import { adminErrors } from '../http/schemas.js';
import { ProjectMembersRepository } from './project-members.repository.js';
import {
  AddProjectMember,
  MemberParams,
  MembersParams,
  ProjectMember,
  UpdateProjectMember,
} from './project-members.schema.js';
import { ProjectMembersService } from './project-members.service.js';

/** Admin API: `/projects/:projectId/members`, people's roles in one project. */
export function projectMembersRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new ProjectMembersService(ctx.db, new ProjectMembersRepository(ctx.db));
  const scope = { project: 'projectId' };
  return async (app) => {
    const tags = ['people'];
    app.get(
      '/projects/:projectId/members',
      {
        config: access('project.read', scope),
        schema: {
          tags,
          summary: 'List the members of a project',
          description: 'Organisation owners and admins are not listed: they administer every project.',
          params: MembersParams,
          response: {
            200: withExample(Type.Object({ items: Type.Array(ProjectMember) }), {
              items: [projectMemberExample],
            }),
            ...adminErrors,
          },
        },
      },
      (request) => service.list(principal(request).organisationId, request.params.projectId),
    );
    app.post(
      '/projects/:projectId/members',
      {
        config: access('project.manage', scope),
        schema: {
          tags,
          summary: 'Give a person a role in a project',
          description:
            'admin: manage the project; editor: change flags, segments and experiments (limit an editor per ' +
            "environment with `environments`: 'edit' | 'propose' | 'view'); viewer: read only.",
          params: MembersParams,
          body: withExample(AddProjectMember, {
            user_id: projectMemberExample.user_id,
            role: 'editor',
            environments: projectMemberExample.environments,
          }),
          response: { 201: withExample(ProjectMember, projectMemberExample), ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.add(principal(request).organisationId, request.params.projectId, request.body)),
    );
    app.patch(
      '/projects/:projectId/members/:userId',
      {
        config: access('project.manage', scope),
        schema: {
          tags,
          summary: "Change a person's role in a project",
          params: MemberParams,
          body: withExample(UpdateProjectMember, { role: 'viewer' }),
          response: {
            200: withExample(ProjectMember, { ...projectMemberExample, role: 'viewer', environments: {} }),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.update(
          principal(request).organisationId,
          request.params.projectId,
          request.params.userId,
          request.body,
        ),
    );
    app.delete(
      '/projects/:projectId/members/:userId',
      {
        config: access('project.manage', scope),
        schema: {
          tags,
          summary: 'Remove a person from a project',
          params: MemberParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        await service.remove(
          principal(request).organisationId,
          request.params.projectId,
          request.params.userId,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
