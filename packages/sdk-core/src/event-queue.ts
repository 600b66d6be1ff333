import { type BackoffOptions, backoffDelay } from './backoff.js';
import { type Endpoint, HttpError, sdkFetch } from './http.js';
import { randomId } from './ids.js';

/** An event as `POST /api/sdk/v1/events` takes it. */
export interface EventItem {
  unit_id: string;
  name: string;
  value?: number | null;
  properties?: Record<string, unknown>;
  /** Epoch milliseconds. */
  time: number;
  idempotency_key: string;
}

/** An exposure as `POST /api/sdk/v1/events` takes it. */
export interface ExposureItem {
  unit_id: string;
  flag: string;
  variant: string | null;
  value?: unknown;
  reason: string | null;
  time: number;
  idempotency_key: string;
}

/** The body of one `POST /api/sdk/v1/events`. */
export interface EventBatch {
  events: EventItem[];
  exposures: ExposureItem[];
}

type Item = { kind: 'event'; item: EventItem } | { kind: 'exposure'; item: ExposureItem };

export interface EventQueueOptions {
  endpoint: Endpoint;
  /** Most items held; past it new items are dropped and counted. */
  maxBuffer: number;
  /** Most items per request (the server takes up to 1000). */
  batchSize: number;
  flushIntervalMs: number;
  retry: BackoffOptions;
  requestTimeoutMs: number;
  /** Told about every failed send and every drop, so nothing is lost silently. */
  onError(error: unknown): void;
  /**
   * Hold items without sending until `resume()`: a browser client rendered on the server is
   * never started, and must not send from the server what the browser will send itself.
   */
  paused?: boolean;
}

/** What the queue has done so far. */
export interface EventQueueStats {
  /** Items waiting to be sent. */
  pending: number;
  /** Items the server acknowledged (including ones it already had). */
  sent: number;
  /** Items given up on: buffer full, refused by the server, or unsent at close. */
  dropped: number;
}

/**
 * Events and exposures batched and sent in the background to `POST /api/sdk/v1/events`. Each
 * item gets an idempotency key when it is queued and keeps it across retries, so a batch whose
 * answer was lost can be sent again without being counted twice. Failed sends are retried with
 * exponential backoff; a batch stays at the head of the queue until acknowledged. The buffer
 * is bounded and every dropped item is counted.
 * @example
 * const queue = new EventQueue({ endpoint, maxBuffer: 10_000, batchSize: 500, flushIntervalMs: 5000,
 *   retry: { initialMs: 1000, maxMs: 60_000 }, requestTimeoutMs: 10_000, onError: console.warn });
 * queue.event({ unit_id: 'user-1', name: 'purchase', value: 49.9 });
 * await queue.close();
 */
export class EventQueue {
  private items: Item[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private attempt = 0;
  private retryAt = 0;
  private closed = false;
  /** The request in flight, so `close` can give up on it at its deadline. */
  private inFlight: AbortController | undefined;
  private paused: boolean;
  private readonly counts = { sent: 0, dropped: 0 };

  constructor(private readonly options: EventQueueOptions) {
    this.paused = options.paused ?? false;
  }

  /**
   * Starts sending (a queue created with `paused: true`).
   * @example
   * queue.resume();
   */
  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /**
   * Queues an event; the time and idempotency key are set here unless given.
   * @example
   * queue.event({ unit_id: 'user-1', name: 'signup' });
   */
  event(event: Omit<EventItem, 'time' | 'idempotency_key'> & Partial<EventItem>): void {
    this.add({
      kind: 'event',
      item: {
        ...event,
        time: event.time ?? Date.now(),
        idempotency_key: event.idempotency_key ?? randomId(),
      },
    });
  }

  /**
   * Queues an exposure; the time and idempotency key are set here unless given.
   * @example
   * queue.exposure({ unit_id: 'user-1', flag: 'checkout', variant: 'b', value: 'b', reason: 'SPLIT; weight=50' });
   */
  exposure(exposure: Omit<ExposureItem, 'time' | 'idempotency_key'> & Partial<ExposureItem>): void {
    this.add({
      kind: 'exposure',
      item: {
        ...exposure,
        time: exposure.time ?? Date.now(),
        idempotency_key: exposure.idempotency_key ?? randomId(),
      },
    });
  }

  /**
   * Counts so far.
   * @example
   * queue.stats(); // { pending: 3, sent: 120, dropped: 0 }
   */
  stats(): EventQueueStats {
    return { pending: this.items.length, ...this.counts };
  }

  /**
   * Sends everything queued now, batch by batch; resolves when the queue is empty or a send
   * failed (the rest stays queued for the background retry). Never rejects.
   * @example
   * await queue.flush();
   */
  flush(): Promise<void> {
    if (this.sending) return this.sending;
    this.sending = this.sendAll().finally(() => {
      this.sending = undefined;
      this.schedule();
    });
    return this.sending;
  }

  /**
   * Takes every queued item out as one batch, for a transport that cannot wait for an answer
   * (`navigator.sendBeacon` when a page hides). Their idempotency keys stay with them, so if
   * the same items are also sent by a later retry they are stored once.
   * @example
   * const batch = queue.drain(); if (batch) navigator.sendBeacon(url, JSON.stringify(batch));
   */
  drain(maxItems = this.options.batchSize): EventBatch | undefined {
    if (this.items.length === 0) return undefined;
    return toBatch(this.items.splice(0, maxItems));
  }

  /**
   * Puts back a batch taken with `drain` that could not be handed over.
   * @example
   * if (!navigator.sendBeacon(url, text)) queue.restore(batch);
   */
  restore(batch: EventBatch): void {
    const items: Item[] = [
      ...batch.events.map((item): Item => ({ kind: 'event', item })),
      ...batch.exposures.map((item): Item => ({ kind: 'exposure', item })),
    ];
    this.items.unshift(...items);
    this.trim();
  }

  /**
   * Stops the timer and sends what is queued, trying until `timeoutMs`; whatever is still
   * unsent then is counted as dropped and reported.
   * @example
   * await queue.close(5000);
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (this.items.length > 0 && Date.now() < deadline) {
      this.retryAt = 0;
      // A hung server must not hold close past its deadline: stop waiting, then cut the request.
      const sent = await Promise.race([
        this.flush().then(() => true),
        sleep(Math.max(0, deadline - Date.now())).then(() => false),
      ]);
      if (!sent) break;
      if (this.items.length > 0) await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
    }
    this.inFlight?.abort();
    clearTimeout(this.timer);
    if (this.items.length > 0) {
      const lost = this.items.length;
      this.items = [];
      this.counts.dropped += lost;
      this.options.onError(new Error(`${lost} events could not be sent before close and were dropped.`));
    }
  }

  private add(item: Item): void {
    if (this.closed) {
      this.counts.dropped++;
      return;
    }
    if (this.items.length >= this.options.maxBuffer) {
      this.counts.dropped++;
      // Reported once per hundred drops, so a long outage does not flood the application's log.
      if (this.counts.dropped % 100 === 1) {
        this.options.onError(
          new Error(
            `The event buffer is full (${this.options.maxBuffer}); ${this.counts.dropped} dropped so far.`,
          ),
        );
      }
      return;
    }
    this.items.push(item);
    if (this.paused) return;
    if (this.items.length >= this.options.batchSize && Date.now() >= this.retryAt) void this.flush();
    else this.schedule();
  }

  /**
   * Removes sent items. Usually they are still the head of the queue, but a beacon may have
   * drained them while the request was in flight (the server then stores them once, by key).
   */
  private remove(taken: Item[]): void {
    if (this.items[0] === taken[0] && this.items[taken.length - 1] === taken[taken.length - 1]) {
      this.items.splice(0, taken.length);
    } else {
      const sent = new Set(taken);
      this.items = this.items.filter((item) => !sent.has(item));
    }
  }

  private trim(): void {
    const excess = this.items.length - this.options.maxBuffer;
    if (excess > 0) {
      this.items.splice(this.options.maxBuffer);
      this.counts.dropped += excess;
    }
  }

  private schedule(): void {
    if (this.closed || this.paused || this.sending || this.timer !== undefined || this.items.length === 0)
      return;
    const delay = Math.max(this.options.flushIntervalMs, this.retryAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    // A server SDK's background timer must not keep a finished Node process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async sendAll(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.items.length > 0) {
      const taken = this.items.slice(0, this.options.batchSize);
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(), this.options.requestTimeoutMs);
      this.inFlight = controller;
      try {
        await sdkFetch(this.options.endpoint, 'events', {
          method: 'POST',
          body: toBatch(taken),
          signal: controller.signal,
        });
        this.counts.sent += taken.length;
        this.remove(taken);
        this.attempt = 0;
        this.retryAt = 0;
      } catch (error) {
        if (error instanceof HttpError && error.permanent) {
          // The server will refuse this batch however often it is sent: drop it, loudly.
          this.remove(taken);
          this.counts.dropped += taken.length;
          this.options.onError(error);
          continue;
        }
        this.retryAt = Date.now() + backoffDelay(this.attempt++, this.options.retry);
        this.options.onError(error);
        return;
      } finally {
        clearTimeout(timeout);
        this.inFlight = undefined;
      }
    }
  }
}

function toBatch(items: Item[]): EventBatch {
  const batch: EventBatch = { events: [], exposures: [] };
  for (const entry of items) {
    if (entry.kind === 'event') batch.events.push(entry.item);
    else batch.exposures.push(entry.item);
  }
  return batch;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
