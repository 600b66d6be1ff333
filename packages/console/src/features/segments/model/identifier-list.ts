import type { SegmentRuleInput } from '../../../lib/api-types.js';
import { MAX_CONDITIONS } from './rules.js';

/** As the server states them (segments/segment-rules.schema.ts): items per IN list, characters per item. */
export const MAX_IN_ITEMS = 1000;
export const MAX_ITEM_LENGTH = 10_000;
/** The engine's property for the identity's identifier (JSONPath over the evaluation context). */
export const IDENTIFIER_PROPERTY = '$.identity.identifier';

export interface IdentifierList {
  identifiers: string[];
  duplicates: number;
  problems: string[];
}

/**
 * An uploaded or pasted list: one identifier per line (a CSV with one column reads the same),
 * trimmed, blank lines skipped, repeats counted once. Commas stay: identifiers may hold them.
 * @example
 * parseIdentifierList('ada\nbob\n\nada'); // { identifiers: ['ada', 'bob'], duplicates: 1, problems: [] }
 */
export function parseIdentifierList(text: string): IdentifierList {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const line of text.split(/\r?\n/)) {
    const identifier = line.trim();
    if (identifier === '') continue;
    if (seen.has(identifier)) duplicates++;
    else seen.add(identifier);
  }
  const identifiers = [...seen];
  const problems: string[] = [];
  const long = identifiers.filter((i) => i.length > MAX_ITEM_LENGTH).length;
  if (long > 0) problems.push(`${long} identifiers are longer than ${MAX_ITEM_LENGTH} characters.`);
  const most = MAX_IN_ITEMS * MAX_CONDITIONS;
  if (identifiers.length > most)
    problems.push(
      `${identifiers.length} identifiers: one rule holds at most ${most}; split the list into segments.`,
    );
  return { identifiers, duplicates, problems };
}

/**
 * The rule matching exactly these identifiers: `$.identity.identifier IN [...]`, in lists of
 * at most MAX_IN_ITEMS (the API's limit) joined by ANY, so any length up to the limit fits.
 */
export function identifierRule(identifiers: readonly string[]): SegmentRuleInput {
  const conditions: NonNullable<SegmentRuleInput['conditions']> = [];
  for (let i = 0; i < identifiers.length; i += MAX_IN_ITEMS) {
    conditions.push({
      property: IDENTIFIER_PROPERTY,
      operator: 'IN',
      value: identifiers.slice(i, i + MAX_IN_ITEMS),
    });
  }
  return { type: conditions.length > 1 ? 'ANY' : 'ALL', conditions, rules: [] };
}
