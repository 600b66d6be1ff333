/** A trait value as the API stores it. */
export type TraitValue = string | number | boolean;

export type ParsedTrait = { ok: true; key: string; value: TraitValue } | { ok: false; message: string };

/**
 * A trait typed into the console: `true`/`false` are booleans and finite numbers are numbers,
 * as SDKs send them; anything else (or anything in double quotes) is a string.
 * @example
 * parseTrait('seats', '12'); // { ok: true, key: 'seats', value: 12 }
 * parseTrait('zip', '"01234"'); // { ok: true, key: 'zip', value: '01234' }
 */
export function parseTrait(key: string, text: string): ParsedTrait {
  const name = key.trim();
  if (name === '') return { ok: false, message: 'A trait needs a key.' };
  const raw = text.trim();
  if (raw === '') return { ok: false, message: `Give "${name}" a value, or delete the trait.` };
  if (raw === 'true' || raw === 'false') return { ok: true, key: name, value: raw === 'true' };
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))
    return { ok: true, key: name, value: raw.slice(1, -1) };
  const number = Number(raw);
  if (Number.isFinite(number) && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw))
    return { ok: true, key: name, value: number };
  return { ok: true, key: name, value: raw };
}

/** How a stored trait reads back into the editor: strings that would parse otherwise get quotes. */
export function traitToText(value: TraitValue): string {
  if (typeof value !== 'string') return String(value);
  const reparsed = parseTrait('k', value);
  return reparsed.ok && reparsed.value !== value ? `"${value}"` : value;
}
