import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { generateWorkload } from '../../../bench/workload.mjs';
import { type CompiledEnvironment, compile, type EvaluationContext, type IdentityContext } from './index.js';

// The cases live beside the repository (../shared/...), never inside it.
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const casesDirectory = resolve(repositoryRoot, '../shared/conformance/flagsmith-engine/test_cases');

const UNKNOWN = 'no such flag \u0000 anywhere';

/** `evaluateFlag` agrees with the full evaluation on every flag name, and not on others. */
function expectSameFlags(compiled: CompiledEnvironment, identity: IdentityContext | null | undefined): void {
  const { flags } = compiled.evaluate(identity);
  for (const name of Object.keys(flags)) {
    expect(compiled.evaluateFlag(name, identity), name).toStrictEqual(flags[name]);
  }
  expect(compiled.evaluateFlag(UNKNOWN, identity)).toBeUndefined();
}

describe('evaluateFlag on the Flagsmith conformance cases', () => {
  if (!existsSync(casesDirectory)) {
    it.skip(`cases missing: ${casesDirectory}`, () => {});
    return;
  }
  const files = readdirSync(casesDirectory)
    .filter((file) => /\.jsonc?$/.test(file))
    .sort();

  it('finds the cases', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const { context } = JSON5.parse(readFileSync(join(casesDirectory, file), 'utf8')) as {
        context: EvaluationContext;
      };
      const { identity, ...environment } = context;
      const compiled = compile(environment);
      expectSameFlags(compiled, identity);
      // And without an identity (no split, no identifier index).
      expectSameFlags(compiled, undefined);
    });
  }
});

describe('evaluateFlag on the standing workload', () => {
  const workload = generateWorkload({ identities: 2000 });
  const compiled = compile(workload.context);
  const identities: IdentityContext[] = workload.identityContexts;

  it('agrees with evaluate for every flag and identity', () => {
    for (const identity of identities) expectSameFlags(compiled, identity);
    expectSameFlags(compiled, null);
  });

  it('agrees when the identifier is not a string (every segment tested)', () => {
    for (const identity of identities.slice(0, 200)) {
      expectSameFlags(compiled, { ...identity, identifier: 42 as unknown as string });
    }
  });

  it('agrees with overrides regrouped into a few shared sets', () => {
    const grouped = generateWorkload({ identities: 500, overrideSets: 5 });
    const regrouped = compile(grouped.context);
    for (const identity of grouped.identityContexts as IdentityContext[])
      expectSameFlags(regrouped, identity);
  });
});

describe('evaluateFlag edge cases', () => {
  const features = {
    a: { key: 'a', name: 'a', enabled: false, value: 1 },
    b: { key: 'b', name: 'b', enabled: false, value: 'x' },
  };
  const segment = (name: string, trait: string, priority: number | undefined, value: number) => ({
    key: name,
    name,
    rules: [
      {
        type: 'ALL' as const,
        conditions: [{ property: `$.identity.traits.${trait}`, operator: 'EQUAL' as const, value: 'yes' }],
      },
    ],
    overrides: [{ key: `o-${name}`, name: 'a', enabled: true, value, priority }],
  });

  it('ties keep the earlier segment; strictly lower priority replaces; missing is +Infinity', () => {
    const compiled = compile({
      environment: { key: 'env', name: 'Env' },
      features,
      segments: {
        s1: segment('s1', 'p', undefined, 10),
        s2: segment('s2', 'q', 5, 20),
        s3: segment('s3', 'r', 5, 30),
        s4: segment('s4', 's', 1, 40),
      },
    });
    const traitSets = [
      {},
      { p: 'yes' },
      { p: 'yes', q: 'yes' },
      { q: 'yes', r: 'yes' },
      { p: 'yes', s: 'yes' },
    ];
    for (const traits of traitSets) expectSameFlags(compiled, { identifier: 'u', traits });
    expect(compiled.evaluateFlag('a', { identifier: 'u', traits: { q: 'yes', r: 'yes' } })?.value).toBe(20);
    expect(compiled.evaluateFlag('toString', { identifier: 'u' })).toBeUndefined();
  });
});
