import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { invalid, PennonError } from '../../errors.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { jsonText } from '../../http/json-text.js';
import { validateTraits } from '../../identities/identity-limits.js';
import type { Evaluation, TraitInput } from '../evaluation.service.js';
import { environmentKeyOf, KEY_PLACEMENT } from '../sdk-keys.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import {
  FlagsmithAnalyticsBody,
  FlagsmithFlagsQuery,
  FlagsmithIdentityBody,
  FlagsmithIdentityQuery,
} from './flagsmith.schema.js';
import { flagsmithDocument } from './flagsmith-document.js';
import { flagsmithFlagsJson } from './flagsmith-flags.js';

const UPDATED_AT = 'X-Flagsmith-Document-Updated-At';
const Detail = Type.Object({ detail: Type.String() });
const errors = { 400: Detail, 401: Detail, 403: Detail, 404: Detail, 413: Detail };

/**
 * Flagsmith's SDK API v1, so Flagsmith's clients work unchanged against `/api/v1/`.
 * Errors take Flagsmith's `{"detail": …}` shape.
 */
export function flagsmithRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['flagsmith'];
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      return reply.status(status).send({ detail: body.error.message, code: body.error.code });
    });

    app.get(
      '/flags/',
      { schema: { tags, querystring: FlagsmithFlagsQuery, response: { 200: Type.Unknown(), ...errors } } },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any', KEY_PLACEMENT.flagsmith);
        const evaluation = await ctx.evaluation.evaluate(key);
        stamp(reply, evaluation.snapshot);
        reply.type('application/json');
        const writer = flagsmithFlagsJson(evaluation.snapshot);
        if (request.query.feature === undefined) {
          // Anonymous evaluations are shared per snapshot, and so is their text.
          let text = environmentFlagsText.get(evaluation);
          if (text === undefined) {
            text = writer.list(evaluation.flags);
            environmentFlagsText.set(evaluation, text);
          }
          return reply.send(text);
        }
        const one = evaluation.flags.find((f) => f.feature.key === request.query.feature);
        if (!one)
          throw new PennonError(
            'not_found',
            'feature_not_found',
            `No feature named '${request.query.feature}'.`,
          );
        return reply.send(writer.flag(one));
      },
    );

    app.get(
      '/identities/',
      { schema: { tags, querystring: FlagsmithIdentityQuery, response: { 200: Type.Unknown(), ...errors } } },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any', KEY_PLACEMENT.flagsmith);
        const { identifier, transient } = request.query;
        const evaluation = await ctx.evaluation.evaluate(key, { identifier, transient: transient === true });
        return identityResponse(reply, evaluation, []);
      },
    );

    app.post(
      '/identities/',
      { schema: { tags, body: FlagsmithIdentityBody, response: { 200: Type.Unknown(), ...errors } } },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any', KEY_PLACEMENT.flagsmith);
        const body = request.body;
        const traits: TraitInput[] = (body.traits ?? []).map((t) => ({
          key: t.trait_key,
          value: t.trait_value,
          transient: t.transient === true,
        }));
        const failure = validateTraits(traits);
        if (failure) throw failure;
        // Without an identifier the identity is anonymous: named after its traits, never stored.
        const identifier = body.identifier || derivedIdentifier(traits);
        const transient = body.transient === true || !body.identifier;
        const evaluation = await ctx.evaluation.evaluate(key, { identifier, traits, transient });
        return identityResponse(
          reply,
          evaluation,
          traits.filter((t) => t.transient || transient).map((t) => t.key),
        );
      },
    );

    app.get(
      '/environment-document/',
      { schema: { tags, response: { 200: Type.Unknown(), 304: Type.Null(), ...errors } } },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'server', KEY_PLACEMENT.flagsmith);
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
      { schema: { tags, body: FlagsmithAnalyticsBody, response: { 200: Type.Unknown(), ...errors } } },
      async (request) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any', KEY_PLACEMENT.flagsmith);
        await ctx.flagAnalytics.record(key.environmentId, request.body);
        return {};
      },
    );
  };
}

function stamp(reply: FastifyReply, snapshot: EnvironmentSnapshot): void {
  reply.header(UPDATED_AT, String(snapshot.updatedAtSeconds));
}

const environmentFlagsText = new WeakMap<Evaluation, string>();

/** `{identifier, flags, traits}`, written as text: see `flagsmithFlagsJson`. */
function identityResponse(reply: FastifyReply, evaluation: Evaluation, transientKeys: string[]) {
  stamp(reply, evaluation.snapshot);
  const transient = new Set(transientKeys);
  const traits = Object.entries(evaluation.traits).map(([trait_key, trait_value]) =>
    transient.has(trait_key) ? { trait_key, trait_value, transient: true } : { trait_key, trait_value },
  );
  const text = flagsmithFlagsJson(evaluation.snapshot).list(
    evaluation.flags,
    `{"identifier":${jsonText(evaluation.identifier)},"flags":`,
    `,"traits":${JSON.stringify(traits)}}`,
  );
  return reply.type('application/json').send(text);
}

/** A stable name for an anonymous identity: the same traits always give the same identifier. */
function derivedIdentifier(traits: TraitInput[]): string {
  if (traits.length === 0) throw invalid('identifier_required', 'Send an identifier or at least one trait.');
  const sorted = traits
    .map((t) => [t.key, t.value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
