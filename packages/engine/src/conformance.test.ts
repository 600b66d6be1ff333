import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { compile, type EvaluationContext, type EvaluationResult, evaluate } from './index.js';

// The cases live beside the repository (../shared/...), never inside it.
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const casesDirectory = resolve(repositoryRoot, '../shared/conformance/flagsmith-engine/test_cases');

interface ConformanceCase {
  context: EvaluationContext;
  result: EvaluationResult;
}

function readCase(file: string): ConformanceCase {
  // Files may start with a `//` comment (JSONC), which JSON5 accepts.
  return JSON5.parse(readFileSync(join(casesDirectory, file), 'utf8'));
}

if (!existsSync(casesDirectory)) {
  const why = `Flagsmith conformance cases are missing: ${casesDirectory} does not exist, so evaluate() is NOT checked against Flagsmith`;
  console.warn(why);
  describe.skip(why, () => {
    it('evaluates every case as Flagsmith does', () => {});
  });
} else {
  const files = readdirSync(casesDirectory)
    .filter((file) => /\.jsonc?$/.test(file))
    .sort();

  describe('Flagsmith engine conformance', () => {
    it('finds the cases', () => {
      expect(files.length).toBeGreaterThan(0);
    });

    for (const file of files) {
      it(file, () => {
        const { context, result } = readCase(file);

        expect(evaluate(context)).toStrictEqual(result);

        const { identity, ...environment } = context;
        expect(compile(environment).evaluate(identity)).toStrictEqual(result);
      });
    }
  });
}
