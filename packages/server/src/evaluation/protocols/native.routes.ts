import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { invalid } from '../../errors.js';
import { ErrorResponse } from '../../http/schemas.js';
import { validateTraits } from '../../identities/identity-limits.js';
import { environmentDocument } from '../environment-document.js';
import type { Evaluation, TraitInput } from '../evaluation.service.js';
import { environmentKeyOf } from '../sdk-keys.js';
import { type TypedFlag, typedFlag } from '../typed-value.js';
import { NativeEvaluateBody, NativeEvaluateResponse } from './native.schema.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse };

/**
 * Pennon's own SDK API: precomputed flags for one identity (client or server key), and the
 * environment document with every rule (server keys only), validated by ETag.
 */
export function nativeSdkRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['sdk'];
    app.post(
      '/flags',
      { schema: { tags, body: NativeEvaluateBody, response: { 200: NativeEvaluateResponse, ...errors } } },
      async (request) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any');
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
        return nativeResponse(evaluation);
      },
    );

    app.get(
      '/flags',
      { schema: { tags, response: { 200: NativeEvaluateResponse, ...errors } } },
      async (request) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any');
        return nativeResponse(await ctx.evaluation.evaluate(key));
      },
    );

    app.get(
      '/environment-document',
      { schema: { tags, response: { 200: Type.Unknown(), 304: Type.Null(), ...errors } } },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'server');
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

function nativeResponse(evaluation: Evaluation) {
  const flags: Record<string, TypedFlag> = {};
  for (const flag of evaluation.flags) flags[flag.feature.key] = typedFlag(flag);
  return { flags, identifier: evaluation.identifier, updated_at: evaluation.snapshot.updatedAt };
}
