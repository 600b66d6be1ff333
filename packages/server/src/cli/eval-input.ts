import type { EvaluationContext } from '@pennon/engine';
import { invalid } from '../errors.js';
import { flagsmithEvaluationContext } from '../imports/flagsmith-context.js';
import { FlagsmithEnvironmentDocument } from '../imports/flagsmith-document.schema.js';
import { checkSchema } from './check-schema.js';

export type EvalInputKind =
  | 'evaluation context'
  | 'Pennon environment document'
  | 'Flagsmith environment document';

const EXPECTED =
  'expected an evaluation context ({environment:{key,name}, identity?, segments?, features?}), ' +
  "Pennon's environment document ({environment, context}, from GET /api/sdk/v1/environment-document) " +
  "or a Flagsmith environment document ({api_key, project, feature_states}, from Flagsmith's /api/v1/environment-document/)";

/**
 * What `pennon eval` was given, told apart by shape, as the evaluation context it stands for.
 * Anything else is `invalid`: evaluating a document of another shape would print an empty
 * result that looks like an answer.
 */
export function evaluationInput(
  value: unknown,
  source: string,
): { kind: EvalInputKind; context: EvaluationContext } {
  if (!isObject(value)) throw invalid('unknown_input', `${source} is not a JSON object: ${EXPECTED}.`);
  if (isObject(value.context)) {
    const kind = 'Pennon environment document';
    return { kind, context: checkContext(value.context, `${source} is a ${kind} but its context`) };
  }
  if ('api_key' in value || 'feature_states' in value) {
    const document = checkSchema(
      FlagsmithEnvironmentDocument,
      value,
      'invalid_document',
      `${source} looks like a Flagsmith environment document but is not one`,
    );
    return { kind: 'Flagsmith environment document', context: flagsmithEvaluationContext(document) };
  }
  if ('environment' in value) {
    return {
      kind: 'evaluation context',
      context: checkContext(value, `${source} is an evaluation context but it`),
    };
  }
  throw invalid('unknown_input', `${source} is none of what pennon eval reads: ${EXPECTED}.`);
}

/** The shape the engine relies on; deeper mistakes surface as the engine's own errors. */
function checkContext(value: Record<string, unknown>, subject: string): EvaluationContext {
  const fail = (problem: string) => invalid('invalid_context', `${subject} ${problem}.`);
  const { environment, identity, features, segments } = value;
  if (!isObject(environment) || typeof environment.key !== 'string' || typeof environment.name !== 'string') {
    throw fail('has no environment {key, name} (strings)');
  }
  if (
    identity !== undefined &&
    identity !== null &&
    !(isObject(identity) && typeof identity.identifier === 'string')
  ) {
    throw fail('has an identity without a string identifier');
  }
  for (const [name, map, needs] of [
    ['features', features, 'name'],
    ['segments', segments, 'rules'],
  ] as const) {
    if (map === undefined || map === null) continue;
    if (!isObject(map) || !Object.values(map).every((item) => isObject(item) && needs in item)) {
      throw fail(`has ${name} that is not an object of ${name} (each with ${needs})`);
    }
  }
  return value as unknown as EvaluationContext;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
