import type { Config } from '../config.js';
import type { ClusterEndpoint } from '../realtime/cluster-messages.js';
import { type RunningServer, startServer } from '../server.js';

/** What a worker tells its primary about its own life (changes travel as `ClusterMessage`s). */
export type LifecycleMessage =
  | { type: 'pennon:listening'; url: string }
  | { type: 'pennon:failed'; message: string; code?: string; badInput: boolean }
  | { type: 'pennon:shutdown' };

export function readLifecycleMessage(value: unknown): LifecycleMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'pennon:listening' && typeof message.url === 'string') {
    return { type: message.type, url: message.url };
  }
  if (message.type === 'pennon:failed' && typeof message.message === 'string') {
    const code = typeof message.code === 'string' ? message.code : undefined;
    return { type: message.type, message: message.message, code, badInput: message.badInput === true };
  }
  if (message.type === 'pennon:shutdown') return { type: message.type };
  return undefined;
}

/**
 * One worker of `pennon serve --workers N`: the server without migrations or bootstrap (its
 * primary did them), listening on the port the primary shares out. It closes gracefully when
 * the primary says so, on SIGINT/SIGTERM (a terminal's Ctrl-C reaches the whole group), and
 * when its primary is gone, so no worker outlives the server it belongs to.
 */
export async function runWorker(
  config: Config,
  id: number,
  isBadInput: (error: unknown) => boolean,
): Promise<void> {
  const primary = process as unknown as ClusterEndpoint;
  // Listening for the word to stop from the very start: a shutdown may come while starting.
  let server: RunningServer | undefined;
  let stopReason: string | undefined;
  const shutdown = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    if (server) close(server, id, reason);
  };
  primary.on('message', (value) => {
    if (readLifecycleMessage(value)?.type === 'pennon:shutdown') shutdown('asked by the primary');
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('disconnect', () => shutdown('the primary is gone'));

  try {
    server = await startServer(config, undefined, { worker: { id, primary } });
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const failed: LifecycleMessage = {
      type: 'pennon:failed',
      message: message ?? String(error),
      code: typeof code === 'string' ? code : undefined,
      badInput: isBadInput(error),
    };
    // The primary reports it once for all workers; exit only once the message has left.
    primary.send(failed, () => process.exit(1));
    return;
  }
  if (stopReason) close(server, id, stopReason);
  else primary.send({ type: 'pennon:listening', url: server.url } satisfies LifecycleMessage, () => {});
}

function close(server: RunningServer, id: number, reason: string): void {
  server.app.log.info({ reason, worker: id }, 'worker shutting down');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      server.app.log.error({ err: error, worker: id }, 'worker shutdown failed');
      process.exit(1);
    },
  );
}
