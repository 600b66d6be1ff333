import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { isPennonError } from '../errors.js';

/** Work that comes due: applies everything due at `now` and returns the ids it applied. */
export interface DueWork {
  applyDue(now: Date, owner: string): Promise<string[]>;
}

interface SchedulerLog {
  warn(details: object, message: string): void;
}

/**
 * Applies scheduled changes and scheduled change requests when their time comes. The
 * schedule lives in the database, never in a timer: each tick asks what is due, so what fell
 * due while every server was down is applied on the first tick after a start (late, never
 * lost), and several servers may tick at once: each item is claimed in the transaction that
 * applies it, so exactly one of them applies it.
 */
export class Scheduler {
  /** Recorded as `claimed_by`: which process applied an item. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(
    private readonly work: readonly DueWork[],
    private readonly log?: SchedulerLog,
  ) {}

  /** Ticks every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.log?.warn({ err: error }, 'scheduled changes: tick failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Applies everything due at `now`; returns the ids this scheduler applied. A tick still
   * running is joined rather than doubled.
   */
  tick(now: Date = new Date()): Promise<string[]> {
    this.running ??= this.runAll(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops ticking and waits for a tick in flight, so the database is not closed under it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  private async runAll(now: Date): Promise<string[]> {
    const applied: string[] = [];
    for (const work of this.work) applied.push(...(await work.applyDue(now, this.owner)));
    return applied;
  }
}

/**
 * Whether a failure may pass by itself (the database busy or unreachable): the item stays due
 * and the next tick tries again. Anything else marks it failed, so it is not retried forever.
 */
export function isTransient(error: unknown): boolean {
  return isPennonError(error) && error.kind === 'unavailable';
}

/** What is stored as the reason an item failed. */
export function failureOf(error: unknown): { code: string; message: string } {
  if (isPennonError(error)) return { code: error.code, message: error.message };
  return {
    code: 'internal',
    message: 'Applying the changes failed with an internal error; see the server log.',
  };
}
