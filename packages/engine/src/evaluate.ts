/**
 * The reference entry point. It compiles and evaluates in one go, so it shares every line of
 * semantics with `compile(...).evaluate(...)` and the two cannot drift apart.
 * @module
 */

import { compile } from './compile.js';
import type { EvaluationContext, EvaluationResult } from './context.js';

/**
 * Evaluates every feature of `context` for its identity (or for the environment alone when
 * there is none), with Flagsmith's semantics. Never throws on malformed rules: a condition
 * that cannot be evaluated is false.
 * @example
 * const result = evaluate({
 *   environment: { key: 'env', name: 'Production' },
 *   identity: { identifier: 'user-1', traits: { age: 30 } },
 *   features: { beta: { key: '1', name: 'beta', enabled: false, value: null } },
 * });
 * result.flags.beta; // { name: 'beta', enabled: false, value: null, reason: 'DEFAULT', variant: null }
 */
export function evaluate(context: EvaluationContext): EvaluationResult {
  return compile(context).evaluate(context.identity);
}
