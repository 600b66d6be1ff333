import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { openEnvironmentStream } from '../../realtime/environment-stream.js';

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
export function flagsmithSseRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
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
        schema: {
          tags: ['flagsmith'],
          params: StreamParams,
          produces: ['text/event-stream'],
          response: {
            200: Type.String({ description: 'text/event-stream of `environment_updated` events' }),
            400: FlagsmithError,
            401: FlagsmithError,
            429: FlagsmithError,
            503: FlagsmithError,
          },
        },
      },
      async (request, reply) => {
        const key = request.params.clientKey;
        const environment = await ctx.keys.require(
          key,
          'any',
          'in the URL path (/sse/environments/<key>/stream)',
        );
        openEnvironmentStream(ctx, request, reply, {
          key,
          environment,
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
