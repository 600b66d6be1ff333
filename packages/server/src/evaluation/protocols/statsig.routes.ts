import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { EventsRepository } from '../../events/events.repository.js';
import { EVENTS_BODY_LIMIT_BYTES } from '../../events/events.schema.js';
import { EventsService } from '../../events/events.service.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { environmentKeyOf, KEY_PLACEMENT } from '../sdk-keys.js';
import {
  InitializeBody,
  InitializeResponse,
  RgstrBody,
  RgstrResponse,
  StatsigError,
  StatsigQuery,
} from './statsig.schema.js';
import { acceptStatsigBodies } from './statsig-body.js';
import { initializeResponse, rgstrBatch, statsigIdentity, statsigUnit } from './statsig-mapping.js';

const errors = { 400: StatsigError, 401: StatsigError, 413: StatsigError };

/**
 * Statsig's client API (register under `/v1`), so `@statsig/js-client` works with
 * `networkConfig.api` pointed at `http://host/v1`: `POST /initialize` answers precomputed
 * gates and configs for one user; `POST /rgstr` (and `/log_event`) takes event batches.
 */
export function statsigRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const events = new EventsService(new EventsRepository(ctx.db));
  return async (app) => {
    acceptStatsigBodies(app);
    app.setErrorHandler((error, request, reply) => {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply
        .status(status)
        .send({ success: false, code: body.error.code, message: body.error.message });
    });
    const tags = ['statsig'];

    app.post(
      '/initialize',
      {
        schema: {
          tags,
          querystring: StatsigQuery,
          body: InitializeBody,
          response: { 200: InitializeResponse, ...errors },
        },
      },
      async (request) => {
        const key = await ctx.keys.require(statsigKeyOf(request), 'any', KEY_PLACEMENT.statsig);
        const body = request.body;
        const snapshot = await ctx.evaluation.snapshot(key.environmentId);
        const time = Date.parse(snapshot.updatedAt);
        if (typeof body.sinceTime === 'number' && body.sinceTime >= time) return { has_updates: false, time };

        const unit = statsigUnit(body.user, body.statsigMetadata?.stableID);
        const evaluation = await ctx.evaluation.evaluate(key, statsigIdentity(body.user, unit));
        // Clients before `hash` existed looked names up by SHA-256.
        return initializeResponse(evaluation, { hash: body.hash ?? 'sha256', unit, user: body.user });
      },
    );

    // `rgstr` is what the JS client posts to; Statsig's server SDKs post the same batch to `log_event`.
    for (const url of ['/rgstr', '/log_event']) {
      app.post(
        url,
        {
          bodyLimit: EVENTS_BODY_LIMIT_BYTES,
          schema: {
            tags,
            querystring: StatsigQuery,
            body: RgstrBody,
            response: { 202: RgstrResponse, ...errors },
          },
        },
        async (request, reply) => {
          const key = await ctx.keys.require(statsigKeyOf(request), 'any', KEY_PLACEMENT.statsig);
          await events.ingest(key.environmentId, rgstrBatch(request.body), 'statsig');
          return reply.status(202).send({ success: true });
        },
      );
    }
  };
}

/** The client sends its key as `?k=`; Statsig's other clients use the `STATSIG-API-KEY` header. */
function statsigKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['statsig-api-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || (request.query as StatsigQuery).k || environmentKeyOf(request);
}
