import type { FlagResult } from '@pennon/engine';
import { invalid } from '../../errors.js';
import { joinedBytes, jsonText } from '../../http/json-text.js';
import { validateTraits } from '../../identities/identity-limits.js';
import type { EvaluatedFlag, Evaluation, IdentityRequest, TraitInput } from '../evaluation.service.js';
import type { SdkAnswer } from '../sdk-answer.js';
import { typedFlag } from '../typed-value.js';
import type { NativeEvaluateBody } from './native.schema.js';

/**
 * The native API's input and answer, for both the Fastify routes (native.routes.ts) and the
 * fast lane (native.fast-lane.ts).
 */

/**
 * The identity `POST /flags` asks for (none without an identifier), checked: throws the
 * refusal (a PennonError) for traits without an identifier or beyond the limits.
 */
export function nativeInput(body: NativeEvaluateBody): IdentityRequest | undefined {
  const traits = traitInputs(body);
  if (!body.identifier && traits.length > 0) {
    throw invalid('identifier_required', 'Traits need an identifier.');
  }
  const failure = validateTraits(traits);
  if (failure) throw failure;
  return body.identifier ? { identifier: body.identifier, traits, transient: body.transient } : undefined;
}

function traitInputs(body: NativeEvaluateBody): TraitInput[] {
  const traits: TraitInput[] = [];
  for (const [key, value] of Object.entries(body.traits ?? {})) traits.push({ key, value });
  for (const [key, value] of Object.entries(body.transient_traits ?? {}))
    traits.push({ key, value, transient: true });
  return traits;
}

const anonymousAnswers = new WeakMap<Evaluation, SdkAnswer>();

/**
 * `{flags, identifier?, updated_at}` written as text: the route's schema documents it, and
 * hand-writing it skips a generic serialiser on the hottest route. Anonymous evaluations are
 * shared per snapshot, and so are their answers.
 */
export function nativeAnswer(evaluation: Evaluation): SdkAnswer {
  const anonymous = evaluation.identifier === undefined;
  let answer = anonymous ? anonymousAnswers.get(evaluation) : undefined;
  if (answer === undefined) {
    const identifier = anonymous ? '' : `"identifier":${jsonText(evaluation.identifier)},`;
    const after = `},${identifier}"updated_at":${jsonText(evaluation.snapshot.updatedAt)}}`;
    answer = {
      headers: NO_HEADERS,
      body: joinedBytes('{"flags":{', evaluation.flags, nativeFlagCommaBytes, after),
    };
    if (anonymous) anonymousAnswers.set(evaluation, answer);
  }
  return answer;
}

const NO_HEADERS = Object.freeze({});

/** The engine hands out one frozen result per outcome, so each outcome is encoded once. */
const flagBytes = new WeakMap<FlagResult, Buffer>();

/** `,"<key>":{key, type, enabled, value?, reason, variant}` as UTF-8 (see `joinedBytes`). */
function nativeFlagCommaBytes(evaluated: EvaluatedFlag): Buffer {
  let bytes = flagBytes.get(evaluated.result);
  if (bytes === undefined) {
    const flag = typedFlag(evaluated);
    const value = 'value' in flag ? `,"value":${jsonText(flag.value)}` : '';
    bytes = Buffer.from(
      `,${jsonText(flag.key)}:{"key":${jsonText(flag.key)},"type":"${flag.type}","enabled":${flag.enabled}${value},"reason":${jsonText(flag.reason)},"variant":${jsonText(flag.variant)}}`,
    );
    flagBytes.set(evaluated.result, bytes);
  }
  return bytes;
}
