import type { SdkContext } from '../../context.js';
import { BODY_LIMIT_BYTES } from '../../http/http-app.js';
import type { FastLaneRoute } from '../sdk-fast-lane.js';
import { STATSIG_KEY } from './statsig.routes.js';
import { InitializeBody, StatsigQuery } from './statsig.schema.js';
import { initializeAnswer, initializeInput, notModifiedAnswer } from './statsig-answers.js';
import { parseStatsigBody } from './statsig-body.js';

/**
 * What Statsig's clients send their bodies as: `fetch` with a string body (text/plain), or JSON
 * from the server SDKs. Anything else goes to the route's own parser, which takes any type.
 */
const BODY_TYPES: ReadonlySet<string> = new Set([
  'text/plain;charset=utf-8',
  'text/plain; charset=utf-8',
  'text/plain',
  'application/json',
  'application/json; charset=utf-8',
]);

/**
 * Statsig's `POST /initialize` (what `@statsig/js-client` calls on every page load) in the SDK
 * fast lane: the same checks and answer as statsig.routes.ts, from the same functions, the key
 * from `?k=` or a header, bodies plain or Statsig-encoded (`se=1`, as browsers send them).
 */
export function statsigFastLanes(ctx: SdkContext, prefix: string): FastLaneRoute[] {
  const initialize: FastLaneRoute<InitializeBody, StatsigQuery> = {
    method: 'POST',
    path: `${prefix}/initialize`,
    key: STATSIG_KEY,
    body: InitializeBody,
    query: StatsigQuery,
    decode: {
      types: BODY_TYPES,
      value: (bytes, request, query) => parseStatsigBody(query, request.headers, bytes, BODY_LIMIT_BYTES),
    },
    answer: (key, body) => {
      if (typeof body.sinceTime === 'number') {
        const current = ctx.evaluation.evaluateNow(key);
        if (!current) return undefined;
        const unchanged = notModifiedAnswer(current.snapshot, body.sinceTime);
        if (unchanged) return unchanged;
      }
      const { unit, identity } = initializeInput(body);
      const evaluation = ctx.evaluation.evaluateNow(key, identity);
      return evaluation && initializeAnswer(evaluation, body, unit);
    },
  };
  return [initialize as FastLaneRoute];
}
