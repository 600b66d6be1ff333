import type { SdkContext } from '../../context.js';
import type { FastLaneRoute } from '../sdk-fast-lane.js';
import { FLAGSMITH_ANY_KEY } from './flagsmith.routes.js';
import { FlagsmithIdentityBody } from './flagsmith.schema.js';
import { environmentFlagsAnswer, identityAnswer, identityInput } from './flagsmith-answers.js';

/**
 * Flagsmith's hottest routes in the SDK fast lane: the environment's flags, and transient
 * identities. The same checks and answers as flagsmith.routes.ts, from the same functions.
 */
export function flagsmithFastLanes(ctx: SdkContext, prefix: string): FastLaneRoute[] {
  const flags: FastLaneRoute = {
    method: 'GET',
    path: `${prefix}/flags/`,
    key: FLAGSMITH_ANY_KEY,
    answer: (key) => {
      const evaluation = ctx.evaluation.evaluateNow(key);
      return evaluation && environmentFlagsAnswer(evaluation);
    },
  };
  const identities: FastLaneRoute<FlagsmithIdentityBody> = {
    method: 'POST',
    path: `${prefix}/identities/`,
    key: FLAGSMITH_ANY_KEY,
    body: FlagsmithIdentityBody,
    answer: (key, body) => {
      const { identity, isTransient } = identityInput(body);
      const evaluation = ctx.evaluation.evaluateNow(key, identity);
      return evaluation && identityAnswer(evaluation, isTransient);
    },
  };
  return [flags, identities as FastLaneRoute];
}
