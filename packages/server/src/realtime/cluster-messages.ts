import type { ConfigChange } from './change-bus.js';

/**
 * One end of a message pipe between the primary and one worker of `pennon serve --workers N`:
 * in a worker, `process` (its IPC channel to the primary); in the primary, the `cluster.Worker`.
 * Tests connect buses and a relay through `worker_threads` message ports instead.
 */
export interface ClusterEndpoint {
  /** The callback hears a pipe that is already closed, which would otherwise be an 'error' event. */
  send(message: unknown, callback?: (error: Error | null) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The messages of the change relay. A worker publishes (`seq` is its own counter), the primary
 * forwards the change to every other worker under its own `ref`, each of them answers `heard`
 * once its listeners have it, and the primary then tells the publisher `published`.
 */
export type ClusterMessage =
  | { type: 'pennon:publish'; seq: number; change: ConfigChange }
  | { type: 'pennon:change'; ref: number; change: ConfigChange }
  | { type: 'pennon:heard'; ref: number }
  | { type: 'pennon:published'; seq: number };

/**
 * Messages arrive from other processes of the same program, yet the pipe may carry other
 * messages too (Node's own, a debugger's): anything that is not exactly one of ours is ignored.
 */
export function readClusterMessage(value: unknown): ClusterMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'pennon:publish': {
      const change = readChange(message.change);
      return change && isCount(message.seq) ? { type: message.type, seq: message.seq, change } : undefined;
    }
    case 'pennon:change': {
      const change = readChange(message.change);
      return change && isCount(message.ref) ? { type: message.type, ref: message.ref, change } : undefined;
    }
    case 'pennon:heard':
      return isCount(message.ref) ? { type: message.type, ref: message.ref } : undefined;
    case 'pennon:published':
      return isCount(message.seq) ? { type: message.type, seq: message.seq } : undefined;
    default:
      return undefined;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Only the fields of a change, so nothing else rides along to the listeners. */
function readChange(value: unknown): ConfigChange | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { projectId, environmentId, at, all } = value as Record<string, unknown>;
  if (typeof projectId !== 'string' || typeof at !== 'string') return undefined;
  if (environmentId !== undefined && typeof environmentId !== 'string') return undefined;
  const change: ConfigChange = { projectId, at };
  if (typeof environmentId === 'string') change.environmentId = environmentId;
  if (all === true) change.all = true;
  return change;
}
