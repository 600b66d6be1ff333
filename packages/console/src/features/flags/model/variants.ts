import type { FeatureType } from '../../../lib/api-types.js';
import { parseValueText } from '../../../lib/values.js';

/** As the server's features/variants.ts states them. */
export const MAX_VARIANTS = 20;
const KEY = /^[A-Za-z0-9_.-]{1,100}$/;
const CONTROL = 'control';
const EPSILON = 1e-9;

/** A variant row as edited: the value still text, the weight still what was typed. */
export interface VariantDraft {
  /** Identifies the row while it is edited (its key may change); never sent. */
  id: string;
  key: string;
  valueText: string;
  weight: number | string;
}

let rows = 0;
/** A row id for an edited variant (crypto.randomUUID needs https, and Pennon often runs on plain http). */
export function variantRowId(): string {
  rows += 1;
  return `variant-row-${rows}`;
}

export interface VariantCheck {
  /** Problems by row (index) and for the whole list (-1); empty when the list may be saved. */
  problems: { row: number; message: string }[];
  /** Weight left to the control value (100 minus the variants' sum). */
  controlWeight: number;
  /** The variants as the API takes them, when there are no problems. */
  variants?: { key: string; value: unknown; weight: number }[];
}

/**
 * Checks edited variants with the API's rules before they are sent: keys well-formed, unique
 * and not `control`; values of the feature's type; weights 0–100 adding up to at most 100
 * (the remainder is the control's share). The server checks again; this says it sooner.
 * @example
 * checkVariants('string', [{ key: 'a', valueText: 'x', weight: 60 }, { key: 'b', valueText: 'y', weight: 50 }])
 * // problems: [{ row: -1, message: 'Weights add up to 110%; at most 100% …' }]
 */
export function checkVariants(type: FeatureType, drafts: readonly VariantDraft[]): VariantCheck {
  const problems: VariantCheck['problems'] = [];
  if (drafts.length > 0 && type === 'boolean') {
    problems.push({
      row: -1,
      message: 'A boolean feature has no value to vary; use a string, number or json feature.',
    });
  }
  if (drafts.length > MAX_VARIANTS) problems.push({ row: -1, message: `At most ${MAX_VARIANTS} variants.` });
  const seen = new Set<string>();
  let total = 0;
  const variants: { key: string; value: unknown; weight: number }[] = [];
  drafts.forEach((draft, row) => {
    const key = draft.key.trim();
    if (!KEY.test(key)) {
      problems.push({ row, message: 'Key: 1–100 letters, digits, "_", "." or "-".' });
    } else if (key === CONTROL) {
      problems.push({ row, message: '"control" is reserved for the control value.' });
    } else if (seen.has(key)) {
      problems.push({ row, message: `Key "${key}" is used twice.` });
    }
    seen.add(key);
    const weight = typeof draft.weight === 'number' ? draft.weight : Number(String(draft.weight).trim());
    if (String(draft.weight).trim() === '' || !Number.isFinite(weight) || weight < 0 || weight > 100) {
      problems.push({ row, message: 'Weight: a number from 0 to 100.' });
    } else {
      total += weight;
    }
    const value = parseValueText(type, draft.valueText);
    if (!value.ok) problems.push({ row, message: `Value: ${value.message}` });
    else variants.push({ key, value: value.value, weight });
  });
  if (total > 100 + EPSILON) {
    problems.push({
      row: -1,
      message: `Weights add up to ${round(total)}%; at most 100% (the rest goes to the control value).`,
    });
  }
  const controlWeight = Math.max(0, round(100 - total));
  return problems.length > 0 ? { problems, controlWeight } : { problems, controlWeight, variants };
}

/** Weights like 33.3 + 33.3 + 33.4 stay readable. */
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Weights spread evenly over `count` variants, leaving the control an equal share, in whole
 * hundredths that add up exactly: a quick start the admin then adjusts.
 */
export function evenWeights(count: number): number[] {
  const shares = count + 1;
  const each = Math.floor(10_000 / shares) / 100;
  return Array.from({ length: count }, () => each);
}
