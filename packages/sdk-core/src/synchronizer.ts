import type { BackoffOptions } from './backoff.js';
import { ChangeStream, type StreamChange } from './change-stream.js';
import type { Endpoint } from './http.js';

export interface SynchronizerOptions {
  endpoint: Endpoint;
  /** Fetches the SDK's state again (the document, or one user's flags); throws on failure. */
  refresh(): Promise<void>;
  /** Whether the SDK already holds the state a stream event names, so no refetch is needed. */
  isCurrent(change: StreamChange): boolean;
  /** Use the stream; without it (or while it is down) the SDK polls. */
  stream: boolean;
  pollIntervalMs: number;
  streamBackoff: BackoffOptions;
  /** Called whenever freshness changes: `stale` with the error that made it so, or fresh again. */
  onFreshness(stale: boolean, error?: unknown): void;
}

/**
 * Keeps an SDK's state current: the stream says when something changed and the SDK refetches;
 * while the stream is unavailable (a proxy that buffers SSE, a server restarting) the SDK polls
 * instead, and stops polling when the stream is back. One refresh runs at a time; a change
 * arriving meanwhile queues exactly one more.
 * @example
 * const sync = new Synchronizer({ endpoint, refresh, isCurrent, stream: true, pollIntervalMs: 30_000,
 *   streamBackoff: { initialMs: 500, maxMs: 30_000 }, onFreshness: (stale) => report(stale) });
 * sync.start();
 */
export class Synchronizer {
  private readonly stream: ChangeStream | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private streamUp = false;
  private stopped = true;
  private stale = false;

  constructor(private readonly options: SynchronizerOptions) {
    if (options.stream) {
      this.stream = new ChangeStream({
        endpoint: options.endpoint,
        backoff: options.streamBackoff,
        connectTimeoutMs: 10_000,
        onChange: (change) => {
          if (!this.options.isCurrent(change)) void this.refresh();
          else this.setFresh();
        },
        onStatus: (up) => {
          this.streamUp = up;
          if (up) {
            clearTimeout(this.pollTimer);
            this.pollTimer = undefined;
          } else {
            // The server may be gone or a proxy may block SSE: poll (now, then on the interval)
            // until the stream is back; the poll also tells whether the state went stale.
            this.schedulePoll(0);
          }
        },
      });
    }
  }

  /**
   * Starts listening (stream) or polling.
   * @example
   * sync.start();
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.stream) this.stream.start();
    else this.schedulePoll(this.options.pollIntervalMs);
  }

  /**
   * Stops the stream and polling.
   * @example
   * sync.stop();
   */
  stop(): void {
    this.stopped = true;
    this.stream?.stop();
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /**
   * Refreshes now (coalescing with one in flight); resolves when the state is as current as
   * the server allows. Never rejects: failures are reported through `onFreshness`.
   * @example
   * await sync.refresh();
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.options.refresh();
          this.setFresh();
        } catch (error) {
          this.setStale(error);
        }
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
    return this.running;
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped || this.pollTimer !== undefined) return;
    this.pollTimer = setTimeout(async () => {
      await this.refresh();
      this.pollTimer = undefined;
      if (!this.streamUp) this.schedulePoll(this.options.pollIntervalMs);
    }, delayMs);
  }

  private setFresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.options.onFreshness(false);
  }

  private setStale(error: unknown): void {
    this.stale = true;
    // Every failure is reported, not only the first: an application logging them sees the outage.
    this.options.onFreshness(true, error);
  }
}
