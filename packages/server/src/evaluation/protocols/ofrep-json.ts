import type { FlagResult } from '@pennon/engine';
import { flattened } from '../../http/json-text.js';
import type { EvaluatedFlag } from '../evaluation.service.js';
import { ofrepFlag } from './ofrep.mapping.js';

/**
 * The engine hands out one frozen result per outcome of each feature, and an OFREP flag object
 * depends on nothing else, so each outcome's JSON text is written once and joined into every
 * bulk answer that has it: no per-request flag objects, no generic serialiser on the hot path.
 */
const texts = new WeakMap<FlagResult, string>();

export function ofrepFlagText(flag: EvaluatedFlag): string {
  let text = texts.get(flag.result);
  if (text === undefined) {
    text = flattened(JSON.stringify(ofrepFlag(flag)));
    texts.set(flag.result, text);
  }
  return text;
}

/**
 * The bulk answer `{flags, eventStreams}` as one flat string (a single join copies each piece
 * once). Same fields as `OfrepBulkResponse`, which still documents it.
 *
 * @example
 * reply.type('application/json').send(ofrepBulkText(evaluation.flags, [stream]));
 */
export function ofrepBulkText(flags: readonly EvaluatedFlag[], eventStreams: readonly unknown[]): string {
  const parts = new Array<string>(flags.length + 2);
  parts[0] = '{"flags":[';
  for (let i = 0; i < flags.length; i++) parts[i + 1] = (i === 0 ? '' : ',') + ofrepFlagText(flags[i]);
  parts[flags.length + 1] = `],"eventStreams":${JSON.stringify(eventStreams)}}`;
  return parts.join('');
}
