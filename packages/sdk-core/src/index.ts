/**
 * `@pennon/sdk-core`: what Pennon's server and browser SDKs share — the change stream with
 * reconnects, polling fallback, event batching with idempotency keys and retry, exposure
 * deduplication and typed reads — written once so the SDKs cannot drift apart. Isomorphic:
 * Web-standard APIs only.
 * @module
 */

export { type BackoffOptions, backoffDelay } from './backoff.js';
export { ChangeStream, type ChangeStreamOptions, type StreamChange } from './change-stream.js';
export { Emitter } from './emitter.js';
export {
  type EventBatch,
  type EventItem,
  EventQueue,
  type EventQueueOptions,
  type EventQueueStats,
  type ExposureItem,
} from './event-queue.js';
export { ExposureDedup } from './exposure-dedup.js';
export {
  type Flag,
  type Resolution,
  type ResolutionErrorCode,
  resolveValue,
  type TraitValue,
  type User,
  type ValueKind,
} from './flags.js';
export { type Endpoint, HttpError, sdkFetch, sdkUrl } from './http.js';
export { randomId } from './ids.js';
export { type OpenFeatureContext, toOpenFeature, userFromContext } from './openfeature.js';
export type { FlagKey, FlagValueOf, Register, Widen } from './register.js';
export { type SseMessage, SseParser } from './sse.js';
export { Synchronizer, type SynchronizerOptions } from './synchronizer.js';
