import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { Tables } from '../storage/tables.js';
import {
  type AttemptResult,
  type ClaimedDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository.js';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  sign,
  TIMESTAMP_HEADER,
} from './webhook-signature.js';

export interface WebhookWorkerOptions {
  /** How often to look for due deliveries. */
  pollMs?: number;
  /** How long a claim holds a delivery; longer than `timeoutMs`, so a live worker never loses one. */
  leaseMs?: number;
  /** How long a receiver may take to answer; by default 10 s, and at most half the lease. */
  timeoutMs?: number;
  /** After this many attempts a delivery is `failed` and never retried. */
  maxAttempts?: number;
  /** Wait after the first failure; doubled after each, up to `backoffCapMs`. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Deliveries claimed per round. */
  batch?: number;
  /** The clock; tests move it instead of waiting. */
  now?: () => number;
  log?: { warn(object: object, message: string): void };
}

const DEFAULTS = {
  pollMs: 1000,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  maxAttempts: 8,
  backoffBaseMs: 10_000,
  backoffCapMs: 60 * 60_000,
  batch: 20,
};

/** The receiver's answer kept in the delivery log: enough to debug, never a whole page. */
export const RESPONSE_BODY_LIMIT = 1024;

/**
 * Sends pending webhook deliveries from the outbox (webhook_deliveries) and records each
 * attempt. Started by `pennon serve`, stopped on graceful shutdown; what is pending when it
 * stops (or when the process dies) is sent by the next worker on the database.
 *
 * Delivery is AT LEAST ONCE. A worker claims a row with a lease before sending and records the
 * outcome under that lease. Several workers on one database never send the same row
 * concurrently; but a worker that dies (or stalls past its lease) after the receiver got the
 * request and before the outcome is recorded leaves the row pending, and when the lease ends
 * another worker sends it again. Every attempt of one delivery carries the same body and the
 * same `X-Pennon-Delivery` id: receivers deduplicate by it.
 */
export class WebhookWorker {
  /**
   * Starts every lease token, so the outbox shows which process holds a delivery (as
   * `claimed_by` does for scheduled changes); the random rest keeps each claim distinct.
   */
  readonly owner = `${os.hostname()}:${process.pid}`;
  private readonly deliveries: WebhookDeliveriesRepository;
  private readonly options: typeof DEFAULTS;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    db: Kysely<Tables>,
    private readonly settings: WebhookWorkerOptions = {},
  ) {
    this.deliveries = new WebhookDeliveriesRepository(db);
    const leaseMs = settings.leaseMs ?? DEFAULTS.leaseMs;
    // Half the lease leaves the other half to record the outcome before another worker may take it.
    const timeoutMs = Math.min(DEFAULTS.timeoutMs, leaseMs / 2);
    this.options = { ...DEFAULTS, timeoutMs, ...withoutUndefined(settings) };
    this.now = settings.now ?? Date.now;
  }

  /** Polls until `stop`; the first round runs at once, picking up what an earlier process left. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the round in flight, so its outcomes are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claims what is due and sends it. Resolves to the number of attempts made. */
  async deliverDue(): Promise<number> {
    const now = this.now();
    const at = new Date(now).toISOString();
    const ids = await this.deliveries.due(at, this.options.batch);
    const claimed: ClaimedDelivery[] = [];
    for (const id of ids) {
      const token = `${this.owner}:${randomBytes(12).toString('base64url')}`;
      const row = await this.deliveries.claim(
        id,
        at,
        new Date(now + this.options.leaseMs).toISOString(),
        token,
      );
      if (row) claimed.push(row);
    }
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const round = this.deliverDue().catch((error: unknown) => {
        // The database may be restarting; the next round tries again.
        this.settings.log?.warn({ err: error }, 'webhook delivery round failed');
        return 0;
      });
      this.running = round;
      void round.then((attempts) => this.schedule(attempts === this.options.batch ? 0 : this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const result = await this.send(delivery);
    await this.deliveries.finish(
      delivery.id,
      delivery.lease_token,
      result,
      new Date(this.now()).toISOString(),
    );
  }

  private async send(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const timestamp = Math.floor(this.now() / 1000);
    let code: number | null = null;
    let body: string | null = null;
    let error: string | null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pennon-Webhooks',
          [SIGNATURE_HEADER]: sign(delivery.secret, timestamp, delivery.payload),
          [TIMESTAMP_HEADER]: String(timestamp),
          [DELIVERY_HEADER]: delivery.id,
          [EVENT_HEADER]: delivery.event,
        },
        body: delivery.payload,
        // A redirect is an answer, not a delivery: following it would send signed data elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      code = response.status;
      body = await readTruncated(response);
      if (response.ok) return { status: 'delivered', response_code: code, response_body: body };
      error = `The receiver answered ${code}.`;
    } catch (cause) {
      error = describeFailure(cause);
    }
    const failed = delivery.attempts >= this.options.maxAttempts;
    return {
      status: failed ? 'failed' : 'pending',
      response_code: code,
      response_body: body,
      error: failed ? `${error} Gave up after ${delivery.attempts} attempts.` : error,
      next_attempt_at: new Date(this.now() + backoffMs(delivery.attempts, this.options)).toISOString(),
    };
  }
}

/** Exponential: base, 2×base, 4×base … after the 1st, 2nd, 3rd failure; never above the cap. */
export function backoffMs(
  attempts: number,
  options: { backoffBaseMs: number; backoffCapMs: number },
): number {
  return Math.min(options.backoffCapMs, options.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

/** Reads at most RESPONSE_BODY_LIMIT characters and drops the rest unread. */
async function readTruncated(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < RESPONSE_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, RESPONSE_BODY_LIMIT);
}

function describeFailure(cause: unknown): string {
  const error = cause as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'The receiver did not answer in time.';
  const detail = error.cause?.code ?? error.cause?.message ?? error.message ?? String(cause);
  return `The request failed: ${detail}.`;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}
