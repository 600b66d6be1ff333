import type { SdkContext } from '../../context.js';
import { publicOrigin } from '../../http/public-url.js';
import type { FastLaneRoute } from '../sdk-fast-lane.js';
import { identityOf } from './ofrep.mapping.js';
import { OFREP_KEY, ofrepEventsPath } from './ofrep.routes.js';
import { OfrepEvaluateBody } from './ofrep.schema.js';
import { ofrepBulkAnswer } from './ofrep-json.js';

/**
 * OFREP's bulk evaluation in the SDK fast lane: the same checks and answer as ofrep.routes.ts,
 * from the same functions. Revalidations (`If-None-Match`) go to the Fastify route.
 */
export function ofrepFastLanes(ctx: SdkContext, prefix: string): FastLaneRoute[] {
  const streamsPath = ofrepEventsPath(prefix);
  const bulk: FastLaneRoute<OfrepEvaluateBody> = {
    method: 'POST',
    path: `${prefix}/evaluate/flags`,
    key: OFREP_KEY,
    body: OfrepEvaluateBody,
    answer: (key, body, request) => {
      // Revalidations, and a request without a Host to make stream URLs of, are Fastify's.
      if (request.headers['if-none-match'] !== undefined || request.headers.host === undefined)
        return undefined;
      const identity = identityOf(body.context);
      const evaluation = ctx.evaluation.evaluateNow(key, identity);
      if (!evaluation) return undefined;
      const streams = { origin: publicOrigin(ctx.config.publicUrl, request), path: streamsPath };
      return ofrepBulkAnswer(evaluation, key.kind, identity, streams);
    },
  };
  return [bulk as FastLaneRoute];
}
