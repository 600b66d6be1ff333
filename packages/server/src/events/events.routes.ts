import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { sdkKey } from '../evaluation/sdk-guard.js';
import { KEY_PLACEMENT } from '../evaluation/sdk-keys.js';
import { security, withExample, withExamples } from '../http/openapi.js';
import { jsonBodyParser } from '../http/request-text.js';
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

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse };

const EventsQuery = Type.Object(
  {
    /** For `navigator.sendBeacon`, which cannot send headers; client keys only. */
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/**
 * Pennon's own ingestion endpoint: `POST /events` (under `/api/sdk/v1`) with a client or
 * server key. Answers 202 only once the whole batch is stored.
 */
export function eventsSdkRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new EventsService(EventsRepository.of(ctx.database));
  return async (app) => {
    // `navigator.sendBeacon` can only send a CORS-safelisted type without a preflight, so a
    // page that is being hidden sends its last batch as text/plain; the text is still JSON.
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, jsonBodyParser(app));
    app.post(
      '/events',
      {
        onRequest: ctx.sdkGuard.hook({
          needs: 'any',
          placement: KEY_PLACEMENT.native,
          // sendBeacon cannot set headers: a page sends its client key as `?key=`.
          fromUrl: (request) => (request.query as { key?: unknown }).key as string | undefined,
        }),
        preHandler: ctx.sdkGuard.chargeEventBytes,
        bodyLimit: EVENTS_BODY_LIMIT_BYTES,
        schema: {
          tags: ['sdk'],
          summary: 'Log events and exposures',
          description:
            'A batch of events (`purchase`, with an optional value) and exposures (a unit saw a variant ' +
            'of a flag), for experiment results. 202 only once the whole batch is stored; a refused ' +
            'batch stores nothing, so it can be retried whole. Up to 1000 items in all. Browsers ' +
            'sending a beacon as the page hides may pass the client key as `?key=` and the JSON as text/plain.',
          security: security.anyKey,
          querystring: EventsQuery,
          body: withExamples(NativeEventsBody, {
            both: {
              summary: 'A purchase and the exposure before it',
              value: {
                events: [
                  {
                    unit_id: 'user-4821',
                    name: 'purchase',
                    value: 49.9,
                    properties: { currency: 'EUR' },
                    time: '2026-03-09T14:31:07.000Z',
                  },
                ],
                exposures: [
                  {
                    unit_id: 'user-4821',
                    flag: 'checkout-v2',
                    variant: 'express',
                    value: 'express',
                    reason: 'SPLIT; weight=25',
                    time: 1773066612000,
                  },
                ],
              },
            },
            events: {
              summary: 'Events only',
              value: {
                events: [{ unit_id: 'user-4821', name: 'add_to_cart', properties: { sku: 'TS-042' } }],
              },
            },
          }),
          response: { 202: withExample(AcceptedResponse, { accepted: 2, duplicates: 0 }), ...errors },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
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
    idempotencyKey: event.idempotency_key,
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
    idempotencyKey: exposure.idempotency_key,
  };
}

/** The schema has checked an ISO string's format already. */
function epochMillis(time: number | string | undefined): number | undefined {
  return typeof time === 'string' ? Date.parse(time) : time;
}
