import type { FlagKey, FlagValueOf, PennonClient, ValueKind, Widen } from '@pennon/js';
import { useCallback, useSyncExternalStore } from 'react';
import { usePennon } from './provider.js';

/** Re-renders the caller whenever the client's values change, and only then. */
function useRevision(client: PennonClient): number {
  const subscribe = useCallback((onChange: () => void) => client.on('change', onChange), [client]);
  const revision = () => client.version;
  return useSyncExternalStore(subscribe, revision, revision);
}

/**
 * Whether a flag is on for the current user (false while unknown); re-renders on changes.
 * @example
 * const darkMode = useFlag('dark_mode');
 */
export function useFlag(key: FlagKey): boolean {
  const client = usePennon();
  useRevision(client);
  return client.isEnabled(key);
}

/**
 * A flag's value, of the same type as `defaultValue`, which it falls back to while the flag is
 * unknown, disabled or of another type; re-renders on changes.
 * @example
 * const color = useFlagValue('checkout_color', 'blue');
 */
export function useFlagValue<K extends FlagKey, T extends FlagValueOf<K>>(key: K, defaultValue: T): Widen<T> {
  const client = usePennon();
  useRevision(client);
  const kind = (typeof defaultValue === 'object' ? 'object' : typeof defaultValue) as ValueKind;
  return client.resolve(key, kind, defaultValue).value as Widen<T>;
}

/** The current user's assignment in an experiment (a multivariate flag). */
export interface Assignment<T> {
  /** The variant's key; null when the user is not in a variant (e.g. no identity). */
  variant: string | null;
  value: T | undefined;
  reason: string | undefined;
}

/**
 * The current user's variant of an experiment's flag, logging the exposure; re-renders on
 * changes.
 * @example
 * const { variant } = useExperiment('checkout_flow');
 * return variant === 'one-page' ? <OnePage /> : <Classic />;
 */
export function useExperiment<T = unknown>(key: FlagKey): Assignment<T> {
  const client = usePennon();
  useRevision(client);
  const flag = client.getFlag(key);
  return { variant: flag?.variant ?? null, value: flag?.value as T | undefined, reason: flag?.reason };
}
