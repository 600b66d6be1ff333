import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { environmentKeyOf, KEY_PLACEMENT } from '../evaluation/sdk-keys.js';
import { ErrorResponse } from '../http/schemas.js';
import { EventsRepository } from './events.repository.js';
import {
  AcceptedResponse,
  EVENTS_BODY_LIMIT_BYTES,
  type NativeEvent,
  NativeEventsBody,
  type NativeExposure,
} from './events.schema.js';
import { type EventInput, EventsService, type ExposureInput } from './events.service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse };

/**
 * Pennon's own ingestion endpoint: `POST /events` (under `/api/sdk/v1`) with a client or
 * server key. Answers 202 only once the whole batch is stored.
 */
export function eventsSdkRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new EventsService(new EventsRepository(ctx.db));
  return async (app) => {
    app.post(
      '/events',
      {
        bodyLimit: EVENTS_BODY_LIMIT_BYTES,
        schema: { tags: ['sdk'], body: NativeEventsBody, response: { 202: AcceptedResponse, ...errors } },
      },
      async (request, reply) => {
        const key = await ctx.keys.require(environmentKeyOf(request), 'any', KEY_PLACEMENT.native);
        const { events = [], exposures = [] } = request.body;
        const result = await service.ingest(
          key.environmentId,
          { events: events.map(eventInput), exposures: exposures.map(exposureInput) },
          'native',
        );
        return reply.status(202).send(result);
      },
    );
  };
}

function eventInput(event: NativeEvent): EventInput {
  return {
    unitId: event.unit_id,
    name: event.name,
    value: event.value,
    properties: event.properties,
    time: epochMillis(event.time),
  };
}

function exposureInput(exposure: NativeExposure): ExposureInput {
  return {
    unitId: exposure.unit_id,
    featureKey: exposure.flag,
    variant: exposure.variant,
    value: exposure.value,
    reason: exposure.reason,
    time: epochMillis(exposure.time),
  };
}

/** The schema has checked an ISO string's format already. */
function epochMillis(time: number | string | undefined): number | undefined {
  return typeof time === 'string' ? Date.parse(time) : time;
}
