import { type BackoffOptions, backoffDelay } from './backoff.js';
import { type Endpoint, sdkFetch } from './http.js';
import { SseParser } from './sse.js';

/** What the native stream says on connect and after every change of the environment. */
export interface StreamChange {
  /** The environment document's ETag now. */
  etag: string;
  /** ISO time of the last change. */
  updated_at: string;
}

export interface ChangeStreamOptions {
  endpoint: Endpoint;
  /** Called for every `change` event, including the one sent on connect. */
  onChange(change: StreamChange): void;
  /** Called when the stream comes up (`up`) or goes down (with the reason). */
  onStatus(up: boolean, error?: unknown): void;
  backoff: BackoffOptions;
  /** How long to wait for the stream's response headers before counting it down. */
  connectTimeoutMs: number;
}

/**
 * The native SSE stream (`GET /api/sdk/v1/stream`), kept open: on any end or failure it
 * reconnects after an exponential backoff with jitter, sending the last event id so the
 * server does not repeat a state already seen.
 * @example
 * const stream = new ChangeStream({ endpoint, onChange: (c) => refetchIf(c.etag), onStatus, backoff, connectTimeoutMs: 10_000 });
 * stream.start();
 * stream.stop();
 */
export class ChangeStream {
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = true;
  private lastEventId: string | undefined;

  constructor(private readonly options: ChangeStreamOptions) {}

  /**
   * Opens the stream (once; later calls do nothing while it runs).
   * @example
   * stream.start();
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  /**
   * Closes the stream and cancels any pending reconnect.
   * @example
   * stream.stop();
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  private async connect(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let up = false;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
      const response = await withDeadline(
        sdkFetch(this.options.endpoint, 'stream', { headers, signal: controller.signal }),
        this.options.connectTimeoutMs,
        controller,
      );
      if (!response.body) throw new Error('The stream response has no body.');
      up = true;
      this.options.onStatus(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          if (message.event !== 'change') continue;
          if (message.id !== undefined) this.lastEventId = message.id;
          // Each good event proves the connection: the next failure starts backing off afresh.
          this.attempt = 0;
          this.options.onChange(JSON.parse(message.data) as StreamChange);
        }
      }
      if (!this.stopped) this.options.onStatus(false, new Error('The server closed the stream.'));
    } catch (error) {
      if (!this.stopped) this.options.onStatus(false, error);
    }
    if (this.stopped) return;
    if (!up) this.attempt++;
    this.timer = setTimeout(() => void this.connect(), backoffDelay(this.attempt, this.options.backoff));
  }
}

/** Rejects (and aborts the request) if the stream's headers take longer than `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`The stream did not answer within ${ms} ms.`));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
