/**
 * `@pennon/node`: Pennon's server SDK — local, synchronous evaluation of the environment
 * document, kept current by streaming; events and exposures in the background.
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
} from '@pennon/sdk-core';
export { type EnvironmentDocument, loadDocument } from './document.js';
export type { PennonOptions } from './options.js';
export { Pennon, type PennonEvents, PennonStartError, type PennonStatus } from './pennon.js';
