import { hash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { invalid, PennonError } from '../../errors.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { jsonText } from '../../http/json-text.js';
import { anyOf, withExample, withExamples } from '../../http/openapi.js';
import {
  flagsmithDocumentExample,
  flagsmithFlagsExample,
  flagsmithIdentityExample,
} from '../../http/openapi-sdk-examples.js';
import { validateTraits } from '../../identities/identity-limits.js';
import type { Evaluation, TraitInput } from '../evaluation.service.js';
import { sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';
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
  const anyKeyHook = ctx.sdkGuard.hook({ needs: 'any', placement: KEY_PLACEMENT.flagsmith });
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
        stamp(reply, evaluation.snapshot);
        reply.type('application/json');
        const writer = flagsmithFlagsJson(evaluation.snapshot);
        if (request.query.feature === undefined) {
          // Anonymous evaluations are shared per snapshot, and so are their bytes: encoded once,
          // not on every write.
          let bytes = environmentFlagsBytes.get(evaluation);
          if (bytes === undefined) {
            bytes = Buffer.from(writer.list(evaluation.flags));
            environmentFlagsBytes.set(evaluation, bytes);
          }
          return reply.send(bytes);
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
        return identityResponse(reply, evaluation, never);
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
        const key = sdkKey(request);
        const body = request.body;
        const traits = traitInputs(body.traits);
        const failure = validateTraits(traits);
        if (failure) throw failure;
        // Without an identifier the identity is anonymous: named after its traits, never stored.
        const identifier = body.identifier || derivedIdentifier(traits);
        const transient = body.transient === true || !body.identifier;
        const evaluation = await ctx.evaluation.evaluate(key, { identifier, traits, transient });
        return identityResponse(reply, evaluation, transient ? always : transientKeys(traits));
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
  reply.header(UPDATED_AT, String(snapshot.updatedAtSeconds));
}

const environmentFlagsBytes = new WeakMap<Evaluation, Buffer>();

/** The traits as Flagsmith's clients send them, in the evaluation's terms. */
function traitInputs(given: FlagsmithIdentityBody['traits']): TraitInput[] {
  const traits: TraitInput[] = [];
  if (!given) return traits;
  for (let i = 0; i < given.length; i++) {
    const t = given[i];
    traits.push({ key: t.trait_key, value: t.trait_value, transient: t.transient === true });
  }
  return traits;
}

/** Whether the answer marks a trait transient: those sent so, or all of a transient identity. */
type IsTransient = (traitKey: string) => boolean;
const always: IsTransient = () => true;
const never: IsTransient = () => false;

function transientKeys(traits: readonly TraitInput[]): IsTransient {
  const keys = new Set<string>();
  for (const t of traits) if (t.transient) keys.add(t.key);
  return (traitKey) => keys.has(traitKey);
}

/** `{identifier, flags, traits}`, written as text: see `flagsmithFlagsJson`. */
function identityResponse(reply: FastifyReply, evaluation: Evaluation, isTransient: IsTransient) {
  stamp(reply, evaluation.snapshot);
  const text = flagsmithFlagsJson(evaluation.snapshot).list(
    evaluation.flags,
    `{"identifier":${jsonText(evaluation.identifier)},"flags":`,
    `,"traits":${traitsJson(evaluation.visibleTraits, isTransient)}}`,
  );
  return reply.type('application/json').send(text);
}

/** `[{trait_key, trait_value, transient?}]` as text, from the same cached pieces as the flags. */
function traitsJson(traits: Record<string, unknown>, isTransient: IsTransient): string {
  let text = '[';
  for (const trait_key in traits) {
    if (!Object.hasOwn(traits, trait_key)) continue;
    if (text.length > 1) text += ',';
    text += `{"trait_key":${jsonText(trait_key)},"trait_value":${jsonText(traits[trait_key])}${isTransient(trait_key) ? ',"transient":true}' : '}'}`;
  }
  return `${text}]`;
}

/** A stable name for an anonymous identity: the same traits always give the same identifier. */
function derivedIdentifier(traits: TraitInput[]): string {
  if (traits.length === 0) throw invalid('identifier_required', 'Send an identifier or at least one trait.');
  const sorted = traits
    .map((t) => [t.key, t.value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return hash('sha256', JSON.stringify(sorted), 'hex');
}
