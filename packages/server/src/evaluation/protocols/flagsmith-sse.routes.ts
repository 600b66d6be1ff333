import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SdkContext } from '../../context.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { security, withExample } from '../../http/openapi.js';
import { exampleUpdatedAtSeconds } from '../../http/openapi-sdk-examples.js';
import { openEnvironmentStream } from '../../realtime/environment-stream.js';
import { presentedKey, sdkKey } from '../sdk-guard.js';

const StreamParams = Type.Object({ clientKey: Type.String({ minLength: 1, maxLength: 200 }) });
const FlagsmithError = Type.Object({ detail: Type.String() });

/**
 * Flagsmith's realtime stream, which Flagsmith serves on its own host: its JS client opens
 * `<eventSourceUrl>sse/environments/<environment key>/stream` and listens for
 * `environment_updated` events carrying `{"updated_at": <epoch seconds, float>}`; it
 * refetches flags when that is newer than the `X-Flagsmith-Document-Updated-At` of its
 * last fetch. The value sent is the new snapshot's own time, the one those headers carry,
 * so a client never refetches for nothing nor misses a change. Point the client's
 * `eventSourceUrl` at `http(s)://<pennon host>/`.
 */
export function flagsmithSseRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      return reply.status(status).send({ detail: body.error.message });
    });

    app.get(
      '/sse/environments/:clientKey/stream',
      {
        // A HEAD request would hold a stream open that can never carry anything.
        exposeHeadRoute: false,
        onRequest: ctx.sdkGuard.hook({
          needs: 'any',
          placement: 'in the URL path (/sse/environments/<key>/stream)',
          fromHeaders: () => undefined,
          fromUrl: (request) => (request.params as { clientKey?: string }).clientKey,
        }),
        schema: {
          tags: ['flagsmith'],
          summary: 'Flagsmith: stream environment changes (server-sent events)',
          description:
            "Flagsmith's realtime stream: an `environment_updated` event after every change, carrying " +
            'the time of the new state; clients refetch flags when it is newer than theirs. The client ' +
            'key travels in the path (EventSource cannot send headers), which is why no security ' +
            'scheme is declared: an unknown key still gets 401.',
          // OpenAPI has no scheme for a key in the path; `clientKey` in the path is the credential.
          security: security.none,
          params: StreamParams,
          produces: ['text/event-stream'],
          response: {
            200: withExample(
              Type.String({ description: 'text/event-stream of `environment_updated` events' }),
              `event: environment_updated\ndata: {"updated_at":${exampleUpdatedAtSeconds}}\n\n`,
            ),
            400: FlagsmithError,
            401: FlagsmithError,
            429: FlagsmithError,
            503: FlagsmithError,
          },
        },
      },
      async (request, reply) => {
        openEnvironmentStream(ctx, request, reply, {
          protocol: 'flagsmith',
          key: presentedKey(request),
          environment: sdkKey(request),
          toMessage: (snapshot) => ({
            event: 'environment_updated',
            data: JSON.stringify({ updated_at: snapshot.updatedAtSeconds }),
          }),
        });
        return reply;
      },
    );
  };
}
