/** What codegen needs of a flag. */
export interface FlagDeclaration {
  key: string;
  type: string;
  description?: string | null;
}

const VALUE_TYPES: Record<string, string> = {
  boolean: 'boolean',
  string: 'string',
  number: 'number',
  json: 'JsonValue',
};

/**
 * The TypeScript module `pennon codegen` writes: an interface of the project's flag keys and
 * value types, registered with `@pennon/sdk-core` so that every SDK call (`isEnabled`,
 * `getString`, `useFlagValue`, …) checks its key, and a removed flag is a compile error.
 * @example
 * flagTypesModule([{ key: 'dark_mode', type: 'boolean' }], 'project Shop');
 * // … export interface PennonFlags { readonly 'dark_mode': boolean; } …
 */
export function flagTypesModule(flags: readonly FlagDeclaration[], source: string): string {
  const sorted = [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const members = sorted.map((flag) => {
    const doc = flag.description
      ? `  /** ${flag.description.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ')} */\n`
      : '';
    return `${doc}  readonly ${JSON.stringify(flag.key)}: ${VALUE_TYPES[flag.type] ?? 'unknown'};`;
  });
  return [
    `// Written by \`pennon codegen\` from ${source.replace(/\s+/g, ' ')}.`,
    '// Do not edit: run it again after adding, changing or removing flags.',
    '',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
    '',
    "/** The project's flags and the type of each one's value. */",
    'export interface PennonFlags {',
    ...members,
    '}',
    '',
    'export type PennonFlagKey = keyof PennonFlags;',
    '',
    `export const flagKeys = [${sorted.map((f) => JSON.stringify(f.key)).join(', ')}] as const;`,
    '',
    '// Makes every Pennon SDK accept only these keys.',
    "declare module '@pennon/sdk-core' {",
    '  interface Register {',
    '    flags: PennonFlags;',
    '  }',
    '}',
    '',
  ].join('\n');
}
