import { evaluate } from '@pennon/engine';
import { Command } from 'commander';
import { invalid } from '../errors.js';
import { evaluationInput } from './eval-input.js';
import { readJsonFile } from './read-json.js';

/**
 * `pennon eval --context FILE`: the engine's answer for what a user has at hand (an evaluation
 * context, Pennon's or Flagsmith's environment document), with every flag's reason and the
 * matched segments, to answer "why did this user get this value?".
 */
export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'evaluate an evaluation context, a Pennon environment document or a Flagsmith environment document ' +
        '(JSON file, or - for stdin) and print the result',
    )
    .requiredOption(
      '--context <file>',
      'JSON: an evaluation context {environment, identity?, segments?, features?}, ' +
        'GET /api/sdk/v1/environment-document, or Flagsmith /api/v1/environment-document/',
    )
    .option('--identifier <id>', 'evaluate for this identifier instead of the context identity')
    .option('--trait <key=value...>', 'set a trait (repeatable); numbers and true/false are typed')
    .action((flags: { context: string; identifier?: string; trait?: string[] }) => {
      const input = evaluationInput(readJsonFile(flags.context), flags.context);
      process.stderr.write(`pennon eval: read ${flags.context} as ${article(input.kind)} ${input.kind}\n`);
      let context = input.context;
      if (flags.identifier || flags.trait) {
        const traits = { ...(context.identity?.traits ?? {}) };
        for (const pair of flags.trait ?? []) {
          const at = pair.indexOf('=');
          if (at <= 0) throw invalid('invalid_trait', `--trait expects key=value (got '${pair}').`);
          traits[pair.slice(0, at)] = typedTrait(pair.slice(at + 1));
        }
        const identifier = flags.identifier ?? context.identity?.identifier;
        if (!identifier)
          throw invalid('identifier_required', '--trait needs an identity: give --identifier.');
        context = { ...context, identity: { identifier, traits } };
      }
      process.stdout.write(`${JSON.stringify(evaluate(context), null, 2)}\n`);
    });
}

const article = (kind: string) => (/^[aeiou]/i.test(kind) ? 'an' : 'a');

function typedTrait(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}
