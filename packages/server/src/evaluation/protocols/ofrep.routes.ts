import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { anyOf, withExample } from '../../http/openapi.js';
import {
  exampleUpdatedAtSeconds,
  ofrepBulkExample,
  ofrepContextExample,
  ofrepFlagExample,
} from '../../http/openapi-sdk-examples.js';
import { publicOrigin } from '../../http/public-url.js';
import { openEnvironmentStream } from '../../realtime/environment-stream.js';
import type { SseMessage } from '../../realtime/sse-hub.js';
import { sendAnswer } from '../sdk-answer.js';
import { presentedKey, type SdkRouteKey, sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import { bulkEtag, etagMatches, identityOf, ofrepError, ofrepFlag } from './ofrep.mapping.js';
import {
  OfrepBulkQuery,
  OfrepBulkResponse,
  OfrepEvaluateBody,
  OfrepFlag,
  OfrepFlagParams,
  OfrepStreamQuery,
  ofrepBulkErrors,
  ofrepFlagErrors,
} from './ofrep.schema.js';
import { ofrepBulkAnswer } from './ofrep-json.js';

/** Where OFREP's routes take their key; the fast lane (ofrep.fast-lane.ts) takes it the same way. */
export const OFREP_KEY: SdkRouteKey = { needs: 'any', placement: KEY_PLACEMENT.ofrep };

/** The refetch stream that bulk answers list, under the OFREP prefix. */
export function ofrepEventsPath(prefix: string): string {
  return `${prefix}/events`;
}

/**
 * OpenFeature Remote Evaluation Protocol v1, for `@openfeature/ofrep-provider` (server) and
 * `@openfeature/ofrep-web-provider` (browser). A thin adapter: the context becomes a transient
 * identity, `ctx.evaluation` evaluates, each flag is mapped to OFREP's shape. Keys come as
 * `Authorization: Bearer`, `X-API-Key` (or `X-Environment-Key`); client and server keys both work.
 *
 * Change notification (ADR-0008): bulk answers list one SSE stream. EventSource cannot send
 * headers, so the stream URL carries the environment's client key, which is public by design;
 * a server key is refused there (403), since URLs end up in logs and histories. The stream
 * tells the client only "refetch", never any flag, so the public key reveals nothing new.
 */
export function ofrepRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  /** Before the body is parsed: unknown keys and over-limit keys cost nothing more. */
  const authenticate = ctx.sdkGuard.hook(OFREP_KEY);
  const keyOf = sdkKey;

  return async (app) => {
    const tags = ['ofrep'];
    const eventsPath = ofrepEventsPath(app.prefix);
    // OFREP providers send `Authorization: Bearer` or `X-API-Key`; `X-Environment-Key` works too.
    const anyKey = anyOf('bearerKey', 'apiKeyHeader', 'clientKey', 'serverKey');

    app.setErrorHandler((error, request, reply) => {
      const { status, errorCode, errorDetails, metadata } = ofrepError(error);
      if (status >= 500) request.log.error({ err: error }, 'OFREP request failed');
      const flagKey = (request.params as { key?: unknown } | undefined)?.key;
      const body =
        typeof flagKey === 'string'
          ? { key: flagKey, errorCode, errorDetails, metadata }
          : { errorCode, errorDetails, metadata };
      return reply.status(status).send(body);
    });

    app.post(
      '/evaluate/flags/:key',
      {
        onRequest: authenticate,
        schema: {
          tags,
          summary: 'OFREP: evaluate one flag',
          description:
            'OpenFeature Remote Evaluation Protocol, for `@openfeature/ofrep-provider`: the context ' +
            '(`targetingKey` and attributes) is evaluated as a transient identity and never stored. ' +
            'An unknown key is 404 `FLAG_NOT_FOUND`; a disabled non-boolean flag has no `value`, so ' +
            "the caller's default applies. Rate-limited per key (429 with Retry-After).",
          security: anyKey,
          params: OfrepFlagParams,
          body: withExample(OfrepEvaluateBody, ofrepContextExample),
          response: { 200: withExample(OfrepFlag, ofrepFlagExample), ...ofrepFlagErrors },
        },
      },
      async (request) => {
        const evaluation = await ctx.evaluation.evaluate(keyOf(request), identityOf(request.body.context));
        const flag = evaluation.flags.find((f) => f.feature.key === request.params.key);
        if (!flag) throw notFound('flag', request.params.key, 'key');
        return ofrepFlag(flag);
      },
    );

    app.post(
      '/evaluate/flags',
      {
        onRequest: authenticate,
        schema: {
          tags,
          summary: 'OFREP: evaluate every flag',
          description:
            'All flags for the context, for `@openfeature/ofrep-web-provider`. The answer carries an ' +
            '`ETag` (send it back as `If-None-Match` for a 304 while nothing changed) and the SSE ' +
            'stream that tells the client when to refetch.',
          security: anyKey,
          querystring: OfrepBulkQuery,
          body: withExample(OfrepEvaluateBody, ofrepContextExample),
          response: {
            200: withExample(OfrepBulkResponse, ofrepBulkExample),
            304: Type.Null(),
            ...ofrepBulkErrors,
          },
        },
      },
      async (request, reply) => {
        const key = keyOf(request);
        const identity = identityOf(request.body.context);
        // The tag hashes the whole context: compute it once, and before evaluating only when a
        // client revalidates.
        const ifNoneMatch = request.headers['if-none-match'];
        let checked: { snapshot: EnvironmentSnapshot; etag: string } | undefined;
        if (ifNoneMatch !== undefined) {
          const snapshot = await ctx.evaluation.snapshot(key.environmentId);
          checked = { snapshot, etag: bulkEtag(snapshot, key.kind, identity) };
          if (etagMatches(ifNoneMatch, checked.etag)) {
            reply.header('ETag', checked.etag);
            return reply.status(304).send(null);
          }
        }
        const evaluation = await ctx.evaluation.evaluate(key, identity);
        // Tagged with the snapshot actually evaluated, in case a change landed in between.
        const etag = checked?.snapshot === evaluation.snapshot ? checked.etag : undefined;
        const streams = { origin: publicOrigin(ctx.config.publicUrl, request.raw), path: eventsPath };
        return sendAnswer(reply, ofrepBulkAnswer(evaluation, key.kind, identity, streams, etag));
      },
    );

    app.get(
      '/events',
      {
        onRequest: ctx.sdkGuard.hook({
          needs: 'any',
          placement: 'as ?key=<client key>',
          fromHeaders: () => undefined,
          fromUrl: (request) => (request.query as { key?: string }).key,
        }),
        schema: {
          tags,
          summary: 'OFREP: stream refetch notices (server-sent events)',
          description:
            'The stream listed in bulk answers: a `refetchEvaluation` message on connect and after ' +
            'every change, never any flag. Takes the public client key in the URL; server keys are ' +
            'refused (403).',
          security: anyOf('clientKeyQuery'),
          querystring: OfrepStreamQuery,
          produces: ['text/event-stream'],
          response: {
            200: withExample(
              Type.String({ description: 'text/event-stream of `refetchEvaluation` messages' }),
              `data: {"type":"refetchEvaluation","etag":"\\"caIt-aF8lMRxAYBzMfxA\\"","lastModified":${exampleUpdatedAtSeconds}}\n\n`,
            ),
            ...ofrepBulkErrors,
          },
        },
      },
      async (request, reply) => {
        // A client reconnecting after a drop may have missed changes: the message on connect
        // makes it revalidate (a 304 when nothing changed) instead of trusting what it holds.
        // Like every stream, it ends once its key stops resolving (rotated or deleted).
        openEnvironmentStream(ctx, request, reply, {
          protocol: 'ofrep',
          key: presentedKey(request),
          environment: sdkKey(request),
          toMessage: refetchMessage,
        });
        return reply;
      },
    );
  };
}

/** Unnamed events: the web provider listens to `message` and reads `type`, `etag`, `lastModified`. */
function refetchMessage(snapshot: EnvironmentSnapshot): SseMessage {
  return {
    data: JSON.stringify({
      type: 'refetchEvaluation',
      etag: snapshot.etag,
      lastModified: snapshot.updatedAtSeconds,
    }),
  };
}
