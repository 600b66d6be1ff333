import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { anyOf, withExample } from '../../http/openapi.js';
import { exampleTimes } from '../../http/openapi-examples.js';
import { ErrorResponse } from '../../http/schemas.js';
import { openEnvironmentStream } from '../../realtime/environment-stream.js';
import { presentedKey, sdkKey } from '../sdk-guard.js';
import { KEY_PLACEMENT } from '../sdk-keys.js';

type StreamQuery = { key?: string };
const StreamQuery = Type.Object(
  {
    /** For browsers' EventSource, which cannot send headers; client keys only. */
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};

/**
 * `GET /stream`: server-sent events telling SDKs that the environment changed. Each
 * `change` event carries `{"updated_at": <ISO time>, "etag": <the document's ETag>}`; the
 * event id is the etag, so a reconnecting EventSource (`Last-Event-ID`) is not told again
 * about a state it has. The current state is sent once on connect.
 */
export function nativeStreamRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/stream',
      {
        // A HEAD request would hold a stream open that can never carry anything.
        exposeHeadRoute: false,
        onRequest: ctx.sdkGuard.hook({
          needs: 'any',
          placement: KEY_PLACEMENT.native,
          fromUrl: (request) => (request.query as StreamQuery).key,
        }),
        schema: {
          tags: ['sdk'],
          summary: 'Stream environment changes (server-sent events)',
          description:
            'A `change` event on connect and after every change to the environment, its project or ' +
            'segments, carrying the new document `etag`: SDKs refetch when it differs from theirs. ' +
            'The event id is the etag, so a reconnect with `Last-Event-ID` skips a state already seen. ' +
            'Browsers (EventSource) pass the client key as `?key=`; server keys only in a header.',
          security: anyOf('clientKey', 'serverKey', 'bearerKey', 'clientKeyQuery'),
          querystring: StreamQuery,
          produces: ['text/event-stream'],
          response: {
            200: withExample(
              Type.String({ description: 'text/event-stream of `change` events' }),
              `event: change\nid: "caIt-aF8lMRxAYBzMfxA"\ndata: {"updated_at":"${exampleTimes.updated}","etag":"\\"caIt-aF8lMRxAYBzMfxA\\""}\n\n`,
            ),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const lastEventId = request.headers['last-event-id'];
        openEnvironmentStream(ctx, request, reply, {
          protocol: 'native',
          key: presentedKey(request),
          environment: sdkKey(request),
          lastSeenEtag: typeof lastEventId === 'string' ? lastEventId : undefined,
          toMessage: (snapshot) => ({
            event: 'change',
            id: snapshot.etag,
            data: JSON.stringify({ updated_at: snapshot.updatedAt, etag: snapshot.etag }),
          }),
        });
        return reply;
      },
    );
  };
}
