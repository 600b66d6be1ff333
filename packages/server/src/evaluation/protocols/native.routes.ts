import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { security, withExample, withExamples } from '../../http/openapi.js';
import { nativeDocumentExample, nativeFlagsExample } from '../../http/openapi-sdk-examples.js';
import { ErrorResponse } from '../../http/schemas.js';
import { environmentDocument } from '../environment-document.js';
import { sendAnswer } from '../sdk-answer.js';
import { type SdkRouteKey, sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';
import { NativeEvaluateBody, NativeEvaluateResponse } from './native.schema.js';
import { nativeAnswer, nativeInput } from './native-answers.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse };

/**
 * Pennon's own SDK API: precomputed flags for one identity (client or server key), and the
 * environment document with every rule (server keys only), validated by ETag.
 */
/** Where the native routes take their key; the fast lane (native.fast-lane.ts) takes it the same way. */
export const NATIVE_ANY_KEY: SdkRouteKey = { needs: 'any', placement: KEY_PLACEMENT.native };

export function nativeSdkRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  const anyKey = ctx.sdkGuard.hook(NATIVE_ANY_KEY);
  const serverKey = ctx.sdkGuard.hook({ needs: 'server', placement: KEY_PLACEMENT.native });
  return async (app) => {
    const tags = ['sdk'];
    app.post(
      '/flags',
      {
        onRequest: anyKey,
        schema: {
          tags,
          summary: 'Evaluate every flag for one user',
          description:
            'Precomputed flags for the identity: value, reason and variant of each. `traits` are ' +
            'stored with the identity (a null deletes one), `transient_traits` count for this ' +
            'evaluation only, and `transient: true` reads and writes nothing. Without an identifier: ' +
            "the environment's flags for a visitor with no identity.",
          security: security.anyKey,
          body: withExamples(NativeEvaluateBody, {
            identified: {
              summary: 'A signed-in user with traits',
              value: { identifier: 'user-4821', traits: { plan: 'pro', country: 'DE' } },
            },
            transient: {
              summary: 'Keep nothing about this user',
              value: { identifier: 'user-4821', transient_traits: { plan: 'pro' }, transient: true },
            },
          }),
          response: { 200: withExample(NativeEvaluateResponse, nativeFlagsExample), ...errors },
        },
      },
      async (request, reply) => {
        const evaluation = await ctx.evaluation.evaluate(sdkKey(request), nativeInput(request.body));
        return sendAnswer(reply, nativeAnswer(evaluation));
      },
    );

    app.get(
      '/flags',
      {
        onRequest: anyKey,
        schema: {
          tags,
          summary: 'Evaluate every flag without a user',
          description:
            "The environment's flags for a visitor with no identity or traits, e.g. before sign-in.",
          security: security.anyKey,
          response: {
            200: withExample(NativeEvaluateResponse, {
              flags: {
                'checkout-v2': {
                  ...nativeFlagsExample.flags['checkout-v2'],
                  value: 'classic',
                  reason: 'DEFAULT',
                  variant: null,
                },
                'dark-mode': {
                  ...nativeFlagsExample.flags['dark-mode'],
                  enabled: true,
                  value: true,
                  reason: 'DEFAULT',
                },
              },
              updated_at: nativeFlagsExample.updated_at,
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        return sendAnswer(reply, nativeAnswer(await ctx.evaluation.evaluate(sdkKey(request))));
      },
    );

    app.get(
      '/environment-document',
      {
        onRequest: serverKey,
        schema: {
          tags,
          summary: 'Download the environment document (every rule) for local evaluation',
          description:
            "Server SDKs evaluate from this: the engine's evaluation context with every feature, " +
            'segment and override of the environment. Server keys only, since it reveals every rule. ' +
            'Send the last `ETag` as `If-None-Match` to get 304 while nothing changed.',
          security: security.serverKey,
          response: { 200: withExample(Type.Unknown(), nativeDocumentExample), 304: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
        const snapshot = await ctx.evaluation.snapshot(key.environmentId);
        reply.header('ETag', snapshot.etag).header('Cache-Control', 'no-cache');
        if (request.headers['if-none-match'] === snapshot.etag) return reply.status(304).send(null);
        return reply.type('application/json').send(environmentDocument(snapshot));
      },
    );
  };
}
