/** A trait value, as the engine and the server take it. */
export type TraitValue = string | number | boolean | null;

/**
 * The user a flag is read for: an identifier and traits. Every SDK call names it explicitly.
 * @example
 * const user: User = { identifier: 'user-4821', traits: { plan: 'pro', country: 'DE' } };
 */
export interface User {
  identifier: string;
  traits?: Record<string, TraitValue>;
}

/**
 * One evaluated flag in the shape of the native API (`POST /api/sdk/v1/flags`): both SDKs
 * reduce to it, the browser by fetching, the server by evaluating the document locally.
 * @example
 * const flag: Flag = { key: 'banner', type: 'string', enabled: true, value: 'hello', reason: 'DEFAULT', variant: null };
 */
export interface Flag {
  key: string;
  /** The feature's declared type: `boolean`, `string`, `number` or `json`. */
  type: string;
  enabled: boolean;
  /** Absent when the caller's default applies (a disabled non-boolean flag). */
  value?: unknown;
  /** Why: `DEFAULT`, `TARGETING_MATCH…`, `SPLIT; weight=…`, `DISABLED`. */
  reason: string;
  /** The variant's key for a multivariate flag, else null. */
  variant: string | null;
}

/** The kinds of value a typed getter asks for. */
export type ValueKind = 'boolean' | 'string' | 'number' | 'object';

/** Why a typed read fell back to the caller's default because of an error. */
export type ResolutionErrorCode = 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH';

/** A typed read with its explanation. */
export interface Resolution<T> {
  value: T;
  /** The flag's reason; `DISABLED` when a disabled flag gave the default; `ERROR` on an error. */
  reason: string;
  variant: string | null;
  errorCode?: ResolutionErrorCode;
  errorMessage?: string;
}

/**
 * A typed read of `flag` (undefined when unknown), falling back to `defaultValue` when the flag
 * is missing, disabled without a value, or of another kind. Both SDKs and both OpenFeature
 * providers read through this, so they agree on every edge.
 * @example
 * resolveValue({ key: 'n', type: 'number', enabled: true, value: 3, reason: 'DEFAULT', variant: null }, 'number', 0);
 * // { value: 3, reason: 'DEFAULT', variant: null }
 */
export function resolveValue<T>(flag: Flag | undefined, kind: ValueKind, defaultValue: T): Resolution<T> {
  if (!flag) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      variant: null,
      errorCode: 'FLAG_NOT_FOUND',
      errorMessage: 'No flag with this key in the environment.',
    };
  }
  if (!('value' in flag) || flag.value === undefined) {
    return { value: defaultValue, reason: 'DISABLED', variant: flag.variant };
  }
  const value = flag.value;
  const matches = kind === 'object' ? typeof value === 'object' && value !== null : typeof value === kind;
  if (!matches) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      variant: flag.variant,
      errorCode: 'TYPE_MISMATCH',
      errorMessage: `Flag "${flag.key}" holds a ${value === null ? 'null' : typeof value}, not a ${kind}.`,
    };
  }
  return { value: value as T, reason: flag.reason, variant: flag.variant };
}
