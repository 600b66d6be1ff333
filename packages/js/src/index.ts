/**
 * `@pennon/js`: Pennon's browser SDK — precomputed flags for one user, cached, bootstrappable,
 * live, with synchronous reads; events and exposures batched and beaconed on page hide.
 * @module
 */

export type { Flag, Resolution, TraitValue, User, ValueKind } from '@pennon/sdk-core';
export { createClient, type FlagSource, PennonClient, type PennonClientEvents } from './client.js';
export type { Bootstrap, PennonClientOptions } from './options.js';
