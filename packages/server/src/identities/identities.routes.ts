import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { adminErrors, Page, PageQuery } from '../http/schemas.js';
import { IdentitiesRepository } from './identities.repository.js';
import {
  CreateIdentity,
  EnvironmentParams,
  Identity,
  IdentityDetail,
  IdentityListQuery,
  IdentityOverride,
  IdentityParams,
  OverrideParams,
  PatchTraits,
  PutOverride,
  ReplaceTraits,
  TraitsResponse,
} from './identities.schema.js';
import { IdentitiesService } from './identities.service.js';

/** Admin API: `/environments/:environmentId/identities`, their traits and overrides. */
export function identitiesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new IdentitiesService(new IdentitiesRepository(ctx.db), ctx.changes);
  return async (app) => {
    const tags = ['identities'];
    const base = '/environments/:environmentId/identities';
    app.get(
      base,
      {
        schema: {
          tags,
          params: EnvironmentParams,
          querystring: IdentityListQuery,
          response: { 200: Page(Identity), ...adminErrors },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.post(
      base,
      {
        schema: {
          tags,
          params: EnvironmentParams,
          body: CreateIdentity,
          response: { 201: IdentityDetail, ...adminErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await service.create(
              principal(request).organisationId,
              request.params.environmentId,
              request.body,
            ),
          ),
    );
    app.get(
      `${base}/:id`,
      { schema: { tags, params: IdentityParams, response: { 200: IdentityDetail, ...adminErrors } } },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.delete(
      `${base}/:id`,
      { schema: { tags, params: IdentityParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        await service.delete(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
        );
        return reply.status(204).send(null);
      },
    );
    app.put(
      `${base}/:id/traits`,
      {
        schema: {
          tags,
          params: IdentityParams,
          body: ReplaceTraits,
          response: { 200: TraitsResponse, ...adminErrors },
        },
      },
      async (request) => {
        const { environmentId, id } = request.params;
        const organisationId = principal(request).organisationId;
        return {
          traits: await service.replaceTraits(organisationId, environmentId, id, request.body.traits),
        };
      },
    );
    app.patch(
      `${base}/:id/traits`,
      {
        schema: {
          tags,
          params: IdentityParams,
          body: PatchTraits,
          response: { 200: TraitsResponse, ...adminErrors },
        },
      },
      async (request) => {
        const { environmentId, id } = request.params;
        const organisationId = principal(request).organisationId;
        return { traits: await service.patchTraits(organisationId, environmentId, id, request.body.traits) };
      },
    );
    app.get(
      `${base}/:id/overrides`,
      {
        schema: {
          tags,
          params: IdentityParams,
          querystring: PageQuery,
          response: { 200: Page(IdentityOverride), ...adminErrors },
        },
      },
      (request) =>
        service.listOverrides(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
          request.query,
        ),
    );
    app.put(
      `${base}/:id/overrides/:featureId`,
      {
        schema: {
          tags,
          description: 'Creates (201) or replaces (200) the identity override of the feature.',
          params: OverrideParams,
          body: PutOverride,
          response: { 200: IdentityOverride, 201: IdentityOverride, ...adminErrors },
        },
      },
      async (request, reply) => {
        const { environmentId, id, featureId } = request.params;
        const organisationId = principal(request).organisationId;
        const { override, created } = await service.putOverride(
          organisationId,
          environmentId,
          id,
          featureId,
          request.body,
        );
        return reply.status(created ? 201 : 200).send(override);
      },
    );
    app.delete(
      `${base}/:id/overrides/:featureId`,
      { schema: { tags, params: OverrideParams, response: { 204: Type.Null(), ...adminErrors } } },
      async (request, reply) => {
        const { environmentId, id, featureId } = request.params;
        await service.deleteOverride(principal(request).organisationId, environmentId, id, featureId);
        return reply.status(204).send(null);
      },
    );
  };
}
