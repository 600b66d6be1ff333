import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FlagResult } from '@pennon/engine';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { invalid } from '../../errors.js';
import { flattened, jsonText } from '../../http/json-text.js';
import { security, withExample, withExamples } from '../../http/openapi.js';
import { nativeDocumentExample, nativeFlagsExample } from '../../http/openapi-sdk-examples.js';
import { ErrorResponse } from '../../http/schemas.js';
import { validateTraits } from '../../identities/identity-limits.js';
import { environmentDocument } from '../environment-document.js';
import type { EvaluatedFlag, Evaluation, TraitInput } from '../evaluation.service.js';
import { sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';
import { typedFlag } from '../typed-value.js';
import { NativeEvaluateBody, NativeEvaluateResponse } from './native.schema.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse };

/**
 * Pennon's own SDK API: precomputed flags for one identity (client or server key), and the
 * environment document with every rule (server keys only), validated by ETag.
 */
export function nativeSdkRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  const anyKey = ctx.sdkGuard.hook({ needs: 'any', placement: KEY_PLACEMENT.native });
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
        const key = sdkKey(request);
        const body = request.body;
        const traits = traitInputs(body);
        if (!body.identifier && traits.length > 0) {
          throw invalid('identifier_required', 'Traits need an identifier.');
        }
        const failure = validateTraits(traits);
        if (failure) throw failure;
        const evaluation = await ctx.evaluation.evaluate(
          key,
          body.identifier ? { identifier: body.identifier, traits, transient: body.transient } : undefined,
        );
        return sendNative(reply, evaluation);
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
        const key = sdkKey(request);
        return sendNative(reply, await ctx.evaluation.evaluate(key));
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

function traitInputs(body: NativeEvaluateBody): TraitInput[] {
  const traits: TraitInput[] = [];
  for (const [key, value] of Object.entries(body.traits ?? {})) traits.push({ key, value });
  for (const [key, value] of Object.entries(body.transient_traits ?? {}))
    traits.push({ key, value, transient: true });
  return traits;
}

const anonymousText = new WeakMap<Evaluation, string>();

/**
 * `{flags, identifier?, updated_at}` written as text: the route's schema documents it, and
 * hand-writing it skips a generic serialiser on the hottest route. Anonymous evaluations are
 * shared per snapshot, and so is their text.
 */
function sendNative(reply: FastifyReply, evaluation: Evaluation) {
  let text = evaluation.identifier === undefined ? anonymousText.get(evaluation) : undefined;
  if (text === undefined) {
    // One join of flat pieces: each is copied once, where += would build a rope to flatten.
    const { flags } = evaluation;
    const parts = new Array<string>(flags.length + 2);
    parts[0] = '{"flags":{';
    for (let i = 0; i < flags.length; i++) parts[i + 1] = (i === 0 ? '' : ',') + nativeFlagText(flags[i]);
    parts[flags.length + 1] =
      `},${evaluation.identifier === undefined ? '' : `"identifier":${jsonText(evaluation.identifier)},`}"updated_at":${jsonText(evaluation.snapshot.updatedAt)}}`;
    text = parts.join('');
    if (evaluation.identifier === undefined) anonymousText.set(evaluation, text);
  }
  return reply.type('application/json').send(text);
}

/** The engine hands out one frozen result per outcome, so each outcome is written once. */
const flagTexts = new WeakMap<FlagResult, string>();

/** `"<key>":{key, type, enabled, value?, reason, variant}`, flat. */
function nativeFlagText(evaluated: EvaluatedFlag): string {
  let text = flagTexts.get(evaluated.result);
  if (text === undefined) {
    const flag = typedFlag(evaluated);
    const value = 'value' in flag ? `,"value":${jsonText(flag.value)}` : '';
    text = flattened(
      `${jsonText(flag.key)}:{"key":${jsonText(flag.key)},"type":"${flag.type}","enabled":${flag.enabled}${value},"reason":${jsonText(flag.reason)},"variant":${jsonText(flag.variant)}}`,
    );
    flagTexts.set(evaluated.result, text);
  }
  return text;
}
