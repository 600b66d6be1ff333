/**
 * `@pennon/js`: Pennon's browser SDK — precomputed flags for one user, cached, bootstrappable,
 * live, with synchronous reads; events and exposures batched and beaconed on page hide.
 * @module
 */

export type {
  Flag,
  FlagKey,
  FlagValueOf,
  Register,
  Resolution,
  TraitValue,
  User,
  ValueKind,
  Widen,
} from '@pennon/sdk-core';
export { createClient, type FlagSource, PennonClient, type PennonClientEvents } from './client.js';
export type { Bootstrap, PennonClientOptions } from './options.js';
