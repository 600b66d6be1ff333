import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { Config } from '../config.js';
import { ChangeRelay } from '../realtime/change-relay.js';
import { prepareDatabaseOnce } from '../server.js';
import { gettingStarted, whereToLook } from './getting-started.js';
import { readLifecycleMessage } from './serve-worker.js';

/** The variable that tells a forked process which worker it is. */
export const WORKER_ID_VARIABLE = 'PENNON_WORKER_ID';

/** Restarts of one worker wait this long, doubling per quick failure, up to the maximum. */
const RESTART_DELAY_MS = { initial: 250, max: 30_000 };
/** A worker that lived this long before dying is restarted without the accumulated wait. */
const HEALTHY_AFTER_MS = 60_000;
/** Graceful shutdown waits this long for workers, then kills what is left. */
const SHUTDOWN_DEADLINE_MS = 30_000;

interface Slot {
  id: number;
  worker?: Worker;
  startedAt: number;
  listening: boolean;
  failures: number;
  restartTimer?: NodeJS.Timeout;
}

export interface PrimaryFailure extends Error {
  code?: string;
  badInput?: boolean;
}

/**
 * The primary of `pennon serve --workers N`. It does once what must happen once — migrations,
 * the first start's organisation, the getting-started block — then forks N workers that share
 * the port (node:cluster), relays changes between them (on SQLite; PostgreSQL's LISTEN/NOTIFY
 * reaches each worker directly), restarts a worker that dies with a backoff, and on SIGINT or
 * SIGTERM tells every worker to close, waits for them and exits. Resolves when all are
 * listening; rejects when a worker cannot start at all (a port in use, a bad setting).
 */
export async function runPrimary(config: Config, count: number): Promise<void> {
  const log = pino({ level: config.logLevel });
  const boot = await prepareDatabaseOnce(config);
  const relay = new ChangeRelay();
  const slots: Slot[] = Array.from({ length: count }, (_, n) => ({
    id: n + 1,
    startedAt: 0,
    listening: false,
    failures: 0,
  }));
  let closing = false;
  let started = false;
  let resolveStarted: (url: string) => void = () => {};
  let rejectStarted: (error: PrimaryFailure) => void = () => {};
  const allListening = new Promise<string>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  let firstUrl: string | undefined;

  const fork = (slot: Slot) => {
    const worker = cluster.fork({ [WORKER_ID_VARIABLE]: String(slot.id) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.listening = false;
    relay.add(worker);
    // A send to a worker that is exiting fails here instead of crashing the primary.
    worker.on('error', (error) => log.warn({ err: error, worker: slot.id }, 'worker pipe error'));
    worker.on('message', (value: unknown) => {
      const message = readLifecycleMessage(value);
      if (message?.type === 'pennon:listening') {
        slot.listening = true;
        // A worker still loading its code when the shutdown went out did not hear it.
        if (closing) worker.send({ type: 'pennon:shutdown' }, () => {});
        firstUrl ??= message.url;
        if (!started && slots.every((s) => s.listening)) {
          started = true;
          resolveStarted(firstUrl);
        }
      } else if (message?.type === 'pennon:failed' && !started) {
        rejectStarted(Object.assign(new Error(message.message), message) as PrimaryFailure);
      }
    });
    worker.on('exit', (code, signal) => {
      relay.remove(worker);
      if (slot.worker === worker) slot.worker = undefined;
      if (closing) return;
      if (!started) {
        // Before the server ever served, a dying worker is a failure to start, not bad luck.
        rejectStarted(
          Object.assign(new Error(`A worker exited while starting (code ${code}, signal ${signal}).`)),
        );
        return;
      }
      const lived = Date.now() - slot.startedAt;
      slot.failures = lived >= HEALTHY_AFTER_MS ? 0 : slot.failures + 1;
      const delay = Math.min(
        RESTART_DELAY_MS.max,
        RESTART_DELAY_MS.initial * 2 ** Math.max(0, slot.failures - 1),
      );
      log.error(
        { worker: slot.id, pid: worker.process.pid, code, signal, restartInMs: delay },
        'worker exited unexpectedly; restarting it',
      );
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = undefined;
        if (!closing) fork(slot);
      }, delay);
    });
  };

  const shutdown = async (): Promise<number> => {
    closing = true;
    const running = slots.flatMap((slot) => {
      clearTimeout(slot.restartTimer);
      return slot.worker && !slot.worker.isDead() ? [slot.worker] : [];
    });
    const exits = running.map(
      (worker) =>
        new Promise<boolean>((resolve) => {
          if (worker.isDead()) resolve(worker.process.exitCode === 0);
          worker.once('exit', (code) => resolve(code === 0));
        }),
    );
    for (const worker of running) worker.send({ type: 'pennon:shutdown' }, () => {});
    const deadline = setTimeout(() => {
      for (const worker of running) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, SHUTDOWN_DEADLINE_MS);
    const clean = await Promise.all(exits);
    clearTimeout(deadline);
    return clean.every(Boolean) ? 0 : 1;
  };

  let stopping: Promise<number> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    log.info({ signal, workers: count }, 'shutting down');
    stopping = shutdown();
    stopping.then((code) => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  for (const slot of slots) fork(slot);
  let url: string;
  try {
    url = await allListening;
  } catch (error) {
    stopping ??= shutdown();
    await stopping;
    throw error;
  }
  log.info({ workers: count, url }, 'pennon listening with every worker');
  // To stdout and not the log: the admin token in the first-start block is shown only there.
  process.stdout.write(boot ? gettingStarted(url, boot) : whereToLook(url));
}
