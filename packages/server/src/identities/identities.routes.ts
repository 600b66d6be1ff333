import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import {
  featureIdentityOverrideExample,
  identityEvaluationExample,
} from '../http/openapi-console-examples.js';
import {
  identityDetailExample,
  identityExample,
  identityOverrideExample,
  pageExample,
  traitsExample,
} from '../http/openapi-examples.js';
import { adminErrors, Page, PageQuery } from '../http/schemas.js';
import { IdentitiesRepository } from './identities.repository.js';
import {
  CreateIdentity,
  EnvironmentParams,
  FeatureIdentityOverride,
  FeatureOverridesQuery,
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
import { IdentityEvaluation } from './identity-evaluation.schema.js';
import { IdentityEvaluationService } from './identity-evaluation.service.js';

/** Admin API: `/environments/:environmentId/identities`, their traits and overrides. */
export function identitiesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new IdentitiesService(new IdentitiesRepository(ctx.db), ctx.changes, {
    maxIdentities: ctx.config.maxIdentitiesPerEnvironment,
    maxTraits: ctx.config.maxTraitsPerEnvironment,
  });
  const evaluation = new IdentityEvaluationService(service, ctx.evaluation);
  return async (app) => {
    const tags = ['identities'];
    const base = '/environments/:environmentId/identities';
    app.get(
      base,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List or search the identities of an environment',
          description:
            'Identities are the users SDKs have identified (or that were created here); `q` finds ' +
            'those whose identifier starts with it. Transient identities are never stored, so never listed.',
          params: EnvironmentParams,
          querystring: IdentityListQuery,
          response: { 200: withExample(Page(Identity), pageExample(identityExample)), ...adminErrors },
        },
      },
      (request) =>
        service.list(principal(request).organisationId, request.params.environmentId, request.query),
    );
    app.get(
      '/environments/:environmentId/identity-overrides',
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'List the identity overrides of a feature',
          description:
            'Every identity of the environment with an override of `feature_id` (an id or key), ' +
            'oldest first. Remove one with DELETE /identities/{id}/overrides/{featureId}.',
          params: EnvironmentParams,
          querystring: FeatureOverridesQuery,
          response: {
            200: withExample(Page(FeatureIdentityOverride), pageExample(featureIdentityOverrideExample)),
            ...adminErrors,
          },
        },
      },
      (request) =>
        service.listOverridesOfFeature(
          principal(request).organisationId,
          request.params.environmentId,
          request.query,
        ),
    );
    app.post(
      base,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Create an identity with traits',
          description:
            'Usually SDKs create identities when they first evaluate for a user; create one here to ' +
            'override flags for it beforehand. 409 when the identifier is taken in the environment.',
          params: EnvironmentParams,
          body: withExample(CreateIdentity, { identifier: 'user-4821', traits: traitsExample }),
          response: {
            201: withExample(IdentityDetail, { ...identityDetailExample, overrides: [] }),
            ...adminErrors,
          },
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
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Get an identity with its traits and overrides',
          params: IdentityParams,
          response: { 200: withExample(IdentityDetail, identityDetailExample), ...adminErrors },
        },
      },
      (request) =>
        service.get(principal(request).organisationId, request.params.environmentId, request.params.id),
    );
    app.get(
      `${base}/:id/evaluation`,
      {
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Evaluate every flag for an identity, with the reason',
          description:
            'The stored identity and its traits evaluated on the environment as it is now, as a ' +
            'server key sees it: server-only flags included, segment names in reasons. ' +
            '`decided_by` says what decided each flag. Stores nothing and is not an SDK read.',
          params: IdentityParams,
          response: { 200: withExample(IdentityEvaluation, identityEvaluationExample), ...adminErrors },
        },
      },
      (request) =>
        evaluation.evaluate(
          principal(request).organisationId,
          request.params.environmentId,
          request.params.id,
        ),
    );
    app.delete(
      `${base}/:id`,
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Delete an identity',
          description:
            'Removes its stored traits and overrides, e.g. to forget a user. An SDK that identifies ' +
            'the same user again creates a fresh identity.',
          params: IdentityParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
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
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: "Replace an identity's traits",
          description: 'The identity ends with exactly these traits; segments are matched against them.',
          params: IdentityParams,
          body: withExample(ReplaceTraits, { traits: traitsExample }),
          response: { 200: withExample(TraitsResponse, { traits: traitsExample }), ...adminErrors },
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
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: "Set or delete some of an identity's traits",
          description: 'Merges into the stored traits: listed keys are set, a null value deletes the trait.',
          params: IdentityParams,
          body: withExample(PatchTraits, { traits: { plan: 'enterprise', beta_tester: null } }),
          response: {
            200: withExample(TraitsResponse, { traits: { plan: 'enterprise', country: 'DE', seats: 12 } }),
            ...adminErrors,
          },
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
        config: access('environment.read', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: "List an identity's overrides",
          params: IdentityParams,
          querystring: PageQuery,
          response: {
            200: withExample(Page(IdentityOverride), pageExample(identityOverrideExample)),
            ...adminErrors,
          },
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
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: 'Override a feature for one identity',
          description:
            'Creates (201) or replaces (200) the identity override of the feature: this user gets this ' +
            'state whatever the segments and the environment say, e.g. to let a tester in early.',
          params: OverrideParams,
          body: withExample(PutOverride, { enabled: true, value: 'express' }),
          response: {
            200: withExample(IdentityOverride, identityOverrideExample),
            201: withExample(IdentityOverride, identityOverrideExample),
            ...adminErrors,
          },
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
      {
        config: access('environment.edit', { environment: 'environmentId' }),
        schema: {
          tags,
          summary: "Remove an identity's override of a feature",
          description: 'The identity is evaluated by segments and the environment again.',
          params: OverrideParams,
          response: { 204: Type.Null(), ...adminErrors },
        },
      },
      async (request, reply) => {
        const { environmentId, id, featureId } = request.params;
        await service.deleteOverride(principal(request).organisationId, environmentId, id, featureId);
        return reply.status(204).send(null);
      },
    );
  };
}
