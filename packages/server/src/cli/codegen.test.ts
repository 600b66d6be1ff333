import { expect, it } from 'vitest';
import { flagTypesModule } from './codegen.js';

it('declares each flag with its value type and description, sorted, and registers them', () => {
  const text = flagTypesModule(
    [
      { key: 'limits', type: 'json' },
      { key: 'dark_mode', type: 'boolean', description: 'Dark theme */ for everyone' },
      { key: 'checkout-color', type: 'string' },
      { key: 'max_items', type: 'number' },
    ],
    'project Shop',
  );
  expect(text).toContain('// Written by `pennon codegen` from project Shop.');
  expect(text).toContain(
    [
      'export interface PennonFlags {',
      '  readonly "checkout-color": string;',
      '  /** Dark theme *\\/ for everyone */',
      '  readonly "dark_mode": boolean;',
      '  readonly "limits": JsonValue;',
      '  readonly "max_items": number;',
      '}',
    ].join('\n'),
  );
  expect(text).toContain(
    'export const flagKeys = ["checkout-color", "dark_mode", "limits", "max_items"] as const;',
  );
  expect(text).toContain(
    "declare module '@pennon/sdk-core' {\n  interface Register {\n    flags: PennonFlags;",
  );
});
