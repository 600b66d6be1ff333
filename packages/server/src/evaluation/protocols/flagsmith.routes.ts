import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { PennonError } from '../../errors.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { anyOf, withExample, withExamples } from '../../http/openapi.js';
import {
  flagsmithDocumentExample,
  flagsmithFlagsExample,
  flagsmithIdentityExample,
} from '../../http/openapi-sdk-examples.js';
import { sendAnswer } from '../sdk-answer.js';
import { type SdkRouteKey, sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import {
  FlagsmithAnalyticsBody,
  FlagsmithFlagsQuery,
  FlagsmithIdentityBody,
  FlagsmithIdentityQuery,
} from './flagsmith.schema.js';
import {
  environmentFlagsAnswer,
  identityAnswer,
  identityInput,
  never,
  UPDATED_AT,
  updatedAtHeaders,
} from './flagsmith-answers.js';
import { flagsmithDocument } from './flagsmith-document.js';
import { flagsmithFlagsJson } from './flagsmith-flags.js';

/** Where Flagsmith's routes take their key; the fast lane (flagsmith.fast-lane.ts) takes it the same way. */
export const FLAGSMITH_ANY_KEY: SdkRouteKey = { needs: 'any', placement: KEY_PLACEMENT.flagsmith };
const Detail = Type.Object({ detail: Type.String() });
const errors = { 400: Detail, 401: Detail, 403: Detail, 404: Detail, 413: Detail };
/** Flagsmith's SDKs send the key in `X-Environment-Key`, a client key unless said otherwise. */
const anyKey = anyOf('clientKey', 'serverKey');
const updatedAtHeader = {
  [UPDATED_AT]: {
    type: 'string',
    description: 'Epoch seconds of the last change; Flagsmith clients compare it with realtime events.',
  },
};

/**
 * Flagsmith's SDK API v1, so Flagsmith's clients work unchanged against `/api/v1/`.
 * Errors take Flagsmith's `{"detail": …}` shape.
 */
export function flagsmithRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  const anyKeyHook = ctx.sdkGuard.hook(FLAGSMITH_ANY_KEY);
  const serverKeyHook = ctx.sdkGuard.hook({ needs: 'server', placement: KEY_PLACEMENT.flagsmith });
  return async (app) => {
    const tags = ['flagsmith'];
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      return reply.status(status).send({ detail: body.error.message, code: body.error.code });
    });

    app.get(
      '/flags/',
      {
        onRequest: anyKeyHook,
        schema: {
          tags,
          summary: "Flagsmith: the environment's flags",
          description:
            'Every flag of the environment without an identity, as Flagsmith clients read them; ' +
            '`?feature=<name>` answers that one flag (404 when there is none).',
          security: anyKey,
          querystring: FlagsmithFlagsQuery,
          response: {
            200: withExample(Type.Unknown({ headers: updatedAtHeader }), flagsmithFlagsExample),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
        const evaluation = await ctx.evaluation.evaluate(key);
        if (request.query.feature === undefined) return sendAnswer(reply, environmentFlagsAnswer(evaluation));
        const one = evaluation.flags.find((f) => f.feature.key === request.query.feature);
        if (!one)
          throw new PennonError(
            'not_found',
            'feature_not_found',
            `No feature named '${request.query.feature}'.`,
          );
        const body = flagsmithFlagsJson(evaluation.snapshot).flag(one);
        return sendAnswer(reply, { headers: updatedAtHeaders(evaluation.snapshot), body });
      },
    );

    app.get(
      '/identities/',
      {
        onRequest: anyKeyHook,
        schema: {
          tags,
          summary: 'Flagsmith: the flags and stored traits of one identity',
          description:
            'Evaluates for the identity with its stored traits, creating it on first sight unless ' +
            '`transient=true`.',
          security: anyKey,
          querystring: FlagsmithIdentityQuery,
          response: {
            200: withExample(Type.Unknown({ headers: updatedAtHeader }), flagsmithIdentityExample),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
        const { identifier, transient } = request.query;
        const evaluation = await ctx.evaluation.evaluate(key, { identifier, transient: transient === true });
        return sendAnswer(reply, identityAnswer(evaluation, never));
      },
    );

    app.post(
      '/identities/',
      {
        onRequest: anyKeyHook,
        schema: {
          tags,
          summary: 'Flagsmith: identify a user with traits and get their flags',
          description:
            'Stores the traits (a null `trait_value` deletes one; `transient` ones are used for this ' +
            'call only) and evaluates. Without an identifier the identity is anonymous: named after ' +
            'its traits and never stored.',
          security: anyKey,
          body: withExamples(FlagsmithIdentityBody, {
            identify: {
              summary: 'Identify a user and store a trait',
              value: { identifier: 'user-4821', traits: [{ trait_key: 'plan', trait_value: 'pro' }] },
            },
            transient: {
              summary: 'A trait for this evaluation only',
              value: {
                identifier: 'user-4821',
                traits: [
                  { trait_key: 'plan', trait_value: 'pro' },
                  { trait_key: 'cart_total', trait_value: 129.5, transient: true },
                ],
              },
            },
          }),
          response: {
            200: withExample(Type.Unknown({ headers: updatedAtHeader }), flagsmithIdentityExample),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { identity, isTransient } = identityInput(request.body);
        const evaluation = await ctx.evaluation.evaluate(sdkKey(request), identity);
        return sendAnswer(reply, identityAnswer(evaluation, isTransient));
      },
    );

    app.get(
      '/environment-document/',
      {
        onRequest: serverKeyHook,
        schema: {
          tags,
          summary: 'Flagsmith: download the environment document for local evaluation',
          description:
            "What Flagsmith's server SDKs in local-evaluation mode poll: every feature state, segment " +
            'and identity override. Server keys (`ser.…`) only. Honours `If-Modified-Since` (304).',
          security: anyOf('serverKey'),
          response: {
            200: withExample(Type.Unknown({ headers: updatedAtHeader }), flagsmithDocumentExample),
            304: Type.Null(),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
        const snapshot = await ctx.evaluation.snapshot(key.environmentId);
        stamp(reply, snapshot);
        const lastModified = new Date(Math.floor(snapshot.updatedAtSeconds) * 1000);
        reply.header('Last-Modified', lastModified.toUTCString());
        const since = Date.parse(String(request.headers['if-modified-since'] ?? ''));
        // HTTP dates have whole seconds: the document is unchanged when its second is not later.
        if (Number.isFinite(since) && lastModified.getTime() <= since) return reply.status(304).send(null);
        return reply.type('application/json').send(flagsmithDocument(snapshot));
      },
    );

    app.post(
      '/analytics/flags/',
      {
        onRequest: anyKeyHook,
        schema: {
          tags,
          summary: 'Flagsmith: report how often each flag was read',
          description:
            "Flagsmith SDKs' flag analytics: evaluation counts per feature name since the last report.",
          security: anyKey,
          body: withExample(FlagsmithAnalyticsBody, { 'checkout-v2': 1280, 'dark-mode': 342 }),
          response: { 200: withExample(Type.Unknown(), {}), ...errors },
        },
      },
      async (request) => {
        const key = sdkKey(request);
        const snapshot = await ctx.evaluation.snapshot(key.environmentId);
        await ctx.flagAnalytics.record(key.environmentId, request.body, snapshot.features);
        return {};
      },
    );
  };
}

function stamp(reply: FastifyReply, snapshot: EnvironmentSnapshot): void {
  reply.headers(updatedAtHeaders(snapshot));
}
