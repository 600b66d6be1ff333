import fs from 'node:fs';
import { evaluate } from '@pennon/engine';
import { Command } from 'commander';
import { invalid } from '../errors.js';

/**
 * `pennon eval --context FILE`: the engine's answer for one evaluation context, with every
 * flag's reason and the matched segments, to answer "why did this user get this value?".
 */
export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate an evaluation context (JSON file, or - for stdin) and print the result')
    .requiredOption(
      '--context <file>',
      'evaluation context as JSON: {environment, identity?, segments?, features?}',
    )
    .option('--identifier <id>', 'evaluate for this identifier instead of the context identity')
    .option('--trait <key=value...>', 'set a trait (repeatable); numbers and true/false are typed')
    .action((flags: { context: string; identifier?: string; trait?: string[] }) => {
      const text = fs.readFileSync(flags.context === '-' ? 0 : flags.context, 'utf8');
      let context: Parameters<typeof evaluate>[0];
      try {
        context = JSON.parse(text);
      } catch (error) {
        throw invalid('malformed_json', `${flags.context} is not valid JSON: ${(error as Error).message}`);
      }
      if (typeof context !== 'object' || context === null || typeof context.environment !== 'object') {
        throw invalid('invalid_context', 'The context must be an object with an "environment" object.');
      }
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

function typedTrait(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}
