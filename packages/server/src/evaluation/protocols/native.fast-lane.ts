import type { SdkContext } from '../../context.js';
import type { FastLaneRoute } from '../sdk-fast-lane.js';
import { NATIVE_ANY_KEY } from './native.routes.js';
import { NativeEvaluateBody } from './native.schema.js';
import { nativeAnswer, nativeInput } from './native-answers.js';

/**
 * The native flags routes in the SDK fast lane: anonymous and transient evaluations, with the
 * same checks and answers as native.routes.ts, from the same functions.
 */
export function nativeFastLanes(ctx: SdkContext, prefix: string): FastLaneRoute[] {
  const anonymous: FastLaneRoute = {
    method: 'GET',
    path: `${prefix}/flags`,
    key: NATIVE_ANY_KEY,
    answer: (key) => {
      const evaluation = ctx.evaluation.evaluateNow(key);
      return evaluation && nativeAnswer(evaluation);
    },
  };
  const identified: FastLaneRoute<NativeEvaluateBody> = {
    method: 'POST',
    path: `${prefix}/flags`,
    key: NATIVE_ANY_KEY,
    body: NativeEvaluateBody,
    answer: (key, body) => {
      const evaluation = ctx.evaluation.evaluateNow(key, nativeInput(body));
      return evaluation && nativeAnswer(evaluation);
    },
  };
  return [anonymous, identified as FastLaneRoute];
}
