import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SdkContext } from '../../context.js';
import { EVENTS_BODY_LIMIT_BYTES } from '../../events/events.schema.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { anyOf, withExample, withExamples } from '../../http/openapi.js';
import { exampleTimes } from '../../http/openapi-examples.js';
import { sendAnswer } from '../sdk-answer.js';
import { type SdkRouteKey, sdkKey } from '../sdk-guard.js';
import { environmentKeyOf, KEY_PLACEMENT } from '../sdk-keys.js';
import {
  InitializeBody,
  InitializeResponse,
  RgstrBody,
  RgstrResponse,
  StatsigError,
  StatsigQuery,
} from './statsig.schema.js';
import { initializeAnswer, initializeInput, notModifiedAnswer } from './statsig-answers.js';
import { acceptStatsigBodies } from './statsig-body.js';
import { rgstrBatch } from './statsig-mapping.js';

const errors = { 400: StatsigError, 401: StatsigError, 413: StatsigError };
/** `@statsig/js-client` sends the key as `?k=`; Statsig's other SDKs in `STATSIG-API-KEY`. */
const statsigKey = anyOf('statsigKeyQuery', 'statsigKeyHeader');
const exampleUser = { userID: 'user-4821', custom: { plan: 'pro' } };
const exampleTime = Date.parse(exampleTimes.updated);

/**
 * Where the Statsig routes take their key; the fast lane (statsig.fast-lane.ts) takes it the
 * same way. `@statsig/js-client` sends it as `?k=`: client keys only there.
 */
export const STATSIG_KEY: SdkRouteKey = {
  needs: 'any',
  placement: KEY_PLACEMENT.statsig,
  fromHeaders: statsigHeaderKey,
  fromUrl: (request) => (request.query as StatsigQuery).k,
};

/**
 * Statsig's client API (register under `/v1`), so `@statsig/js-client` works with
 * `networkConfig.api` pointed at `http://host/v1`: `POST /initialize` answers precomputed
 * gates and configs for one user; `POST /rgstr` (and `/log_event`) takes event batches.
 */
export function statsigRoutes(ctx: SdkContext): FastifyPluginAsyncTypebox {
  const events = ctx.events;
  const keyHook = ctx.sdkGuard.hook(STATSIG_KEY);
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
        onRequest: keyHook,
        schema: {
          tags,
          summary: 'Statsig: initialize a client with every gate and config for one user',
          description:
            'For `@statsig/js-client` with `networkConfig.api` at `<host>/v1`. Boolean features ' +
            'become gates, other features dynamic configs (multivariate ones as experiments with ' +
            '`group_name`), keyed by the name hashed as `hash` asks (`djb2`, `sha256` or `none`). ' +
            'With `sinceTime` at or after the last change the answer is `has_updates: false`. ' +
            'Bodies may be Statsig-encoded (`se=1`) or gzipped (`gz=1`).',
          security: statsigKey,
          querystring: StatsigQuery,
          body: withExamples(InitializeBody, {
            initialize: {
              summary: 'First load',
              value: {
                user: exampleUser,
                hash: 'djb2',
                statsigMetadata: { stableID: '6f1c2e0a-9b7d-4c8e-a5f3-2d4b6e8a0c1f' },
              },
            },
            revalidate: {
              summary: 'Check for changes since the values held',
              value: { user: exampleUser, hash: 'djb2', sinceTime: exampleTime },
            },
          }),
          response: {
            200: withExample(InitializeResponse, {
              has_updates: true,
              time: exampleTime,
              feature_gates: {
                '2396497306': {
                  name: '2396497306',
                  value: false,
                  rule_id: 'TARGETING_MATCH',
                  secondary_exposures: [],
                  id_type: 'userID',
                },
              },
              dynamic_configs: {
                '1571167331': {
                  name: '1571167331',
                  value: { value: 'express' },
                  rule_id: 'SPLIT; weight=25; variant=express',
                  group: 'SPLIT; weight=25; variant=express',
                  group_name: 'express',
                  secondary_exposures: [],
                  id_type: 'userID',
                  is_device_based: false,
                  is_experiment_active: true,
                  is_user_in_experiment: true,
                  passed: true,
                },
              },
              layer_configs: {},
              hash_used: 'djb2',
              user: exampleUser,
              evaluated_keys: { userID: 'user-4821', customIDs: {} },
              sdk_flags: { enable_log_event_compression: true },
              sdkParams: {},
              generator: 'pennon',
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const key = sdkKey(request);
        const body = request.body;
        const snapshot = await ctx.evaluation.snapshot(key.environmentId);
        const unchanged = notModifiedAnswer(snapshot, body.sinceTime);
        if (unchanged) return sendAnswer(reply, unchanged);
        const { unit, identity } = initializeInput(body);
        return sendAnswer(reply, initializeAnswer(await ctx.evaluation.evaluate(key, identity), body, unit));
      },
    );

    // `rgstr` is what the JS client posts to; Statsig's server SDKs post the same batch to `log_event`.
    for (const url of ['/rgstr', '/log_event']) {
      app.post(
        url,
        {
          onRequest: keyHook,
          preHandler: ctx.sdkGuard.chargeEventBytes,
          bodyLimit: EVENTS_BODY_LIMIT_BYTES,
          schema: {
            tags,
            summary:
              url === '/rgstr'
                ? 'Statsig: log events and exposures (JS client)'
                : "Statsig: log events and exposures (Statsig's server SDKs)",
            description:
              'A batch of custom events and `statsig::gate_exposure` / `statsig::config_exposure` ' +
              'records, stored for experiment results. 202 only once the whole batch is stored.',
            security: statsigKey,
            querystring: StatsigQuery,
            body: withExample(RgstrBody, {
              events: [
                {
                  eventName: 'statsig::config_exposure',
                  user: exampleUser,
                  metadata: { config: 'checkout-v2', ruleID: 'SPLIT; weight=25; variant=express' },
                  time: exampleTime + 12_000,
                },
                {
                  eventName: 'purchase',
                  user: exampleUser,
                  value: 49.9,
                  metadata: { currency: 'EUR' },
                  time: exampleTime + 67_000,
                },
              ],
            }),
            response: { 202: withExample(RgstrResponse, { success: true }), ...errors },
          },
        },
        async (request, reply) => {
          const key = sdkKey(request);
          await events.ingest(key.environmentId, rgstrBatch(request.body), 'statsig');
          return reply.status(202).send({ success: true });
        },
      );
    }
  };
}

/** Statsig's server SDKs use the `STATSIG-API-KEY` header; our other headers work too. */
function statsigHeaderKey(request: { headers: IncomingHttpHeaders }): string | undefined {
  const header = request.headers['statsig-api-key'];
  return (Array.isArray(header) ? header[0] : header) || environmentKeyOf(request);
}
