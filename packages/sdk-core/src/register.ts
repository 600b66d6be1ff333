/**
 * Filled in by the module `pennon codegen` writes, so that flag keys and values are checked by
 * the compiler: a removed or misspelt flag is a compile error in the application. Without it,
 * any string is a key.
 * @example
 * // flags.ts, written by `pennon codegen --out flags.ts`:
 * declare module '@pennon/sdk-core' {
 *   interface Register { flags: { checkout_color: string; dark_mode: boolean } }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, so generated code can merge into it.
export interface Register {}

type Registered = Register extends { flags: infer F } ? F : undefined;

/**
 * A flag key: any string until `pennon codegen` registers the project's flags, then only those.
 * @example
 * const key: FlagKey = 'checkout_color';
 */
export type FlagKey = Registered extends undefined ? string : keyof Registered & string;

/**
 * The value type of a registered flag; any flag value when nothing is registered.
 * @example
 * type Color = FlagValueOf<'checkout_color'>; // string
 */
export type FlagValueOf<K> = Registered extends undefined
  ? string | number | boolean | object
  : K extends keyof Registered
    ? Registered[K]
    : never;

/**
 * A literal type widened to its primitive, so `getValue('color', 'blue')` is typed `string`.
 * @example
 * type S = Widen<'blue'>; // string
 */
export type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T;
