import type { FlagResult } from '@pennon/engine';
import { invalid } from '../../errors.js';
import { flattened, jsonText } from '../../http/json-text.js';
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
    // One join of flat pieces: each is copied once, where += would build a rope to flatten.
    const { flags } = evaluation;
    const parts = new Array<string>(flags.length + 2);
    parts[0] = '{"flags":{';
    for (let i = 0; i < flags.length; i++) parts[i + 1] = (i === 0 ? '' : ',') + nativeFlagText(flags[i]);
    parts[flags.length + 1] =
      `},${anonymous ? '' : `"identifier":${jsonText(evaluation.identifier)},`}"updated_at":${jsonText(evaluation.snapshot.updatedAt)}}`;
    answer = { headers: NO_HEADERS, body: parts.join('') };
    if (anonymous) anonymousAnswers.set(evaluation, answer);
  }
  return answer;
}

const NO_HEADERS = Object.freeze({});

/** The engine hands out one frozen result per outcome, so each outcome is written once. */
const flagTexts = new WeakMap<FlagResult, string>();

/** `"<key>":{key, type, enabled, value?, reason, variant}`, flat. */
function nativeFlagText(evaluated: EvaluatedFlag): string {
  let text = flagTexts.get(evaluated.result);
  if (text === undefined) {
    const flag = typedFlag(evaluated);
    const value = 'value' in flag ? `,"value":${jsonText(flag.value)}` : '';
    text = flattened(
      `${jsonText(flag.key)}:{"key":${jsonText(flag.key)},"type":"${flag.type}","enabled":${flag.enabled}${value},"reason":${jsonText(flag.reason)},"variant":${jsonText(flag.variant)}}`,
    );
    flagTexts.set(evaluated.result, text);
  }
  return text;
}
