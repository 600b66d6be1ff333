import type { Kysely } from 'kysely';
import type { Tables, WebhookDeliveryRow } from '../storage/tables.js';

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery extends WebhookDeliveryRow {
  url: string;
  secret: string;
  lease_token: string;
}

export type AttemptResult =
  | { status: 'delivered'; response_code: number; response_body: string }
  | {
      status: 'pending' | 'failed';
      response_code: number | null;
      response_body: string | null;
      error: string | null;
      next_attempt_at: string;
    };

/**
 * The outbox as the delivery worker sees it. Claiming is a conditional UPDATE on the lease:
 * of several workers (processes) trying the same row, exactly one sees its UPDATE match, on
 * SQLite (one writer at a time) and on PostgreSQL (a concurrent UPDATE waits for the first to
 * commit, then re-checks the WHERE on the new row version and matches nothing).
 */
export class WebhookDeliveriesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Ids of pending deliveries due at `now` that nobody holds. */
  async due(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Takes the row until `leasedUntil` if it is still pending, due and free, counting the
   * attempt now: a worker that dies mid-delivery has used one. Undefined when another worker
   * was first.
   */
  async claim(
    id: string,
    now: string,
    leasedUntil: string,
    leaseToken: string,
  ): Promise<ClaimedDelivery | undefined> {
    const claimed = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ leased_until: leasedUntil, lease_token: leaseToken, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
    if (!claimed) return undefined;
    const webhook = await this.db
      .selectFrom('webhooks')
      .select(['url', 'secret'])
      .where('id', '=', claimed.webhook_id)
      .executeTakeFirst();
    // Deleted since: its deliveries went with it (cascade), so nothing is left to send.
    if (!webhook) return undefined;
    return { ...claimed, lease_token: leaseToken, url: webhook.url, secret: webhook.secret };
  }

  /**
   * Records an attempt's outcome and frees the row, only under the lease that made it: a
   * worker whose lease ran out (and whose row another worker took) changes nothing.
   */
  async finish(id: string, leaseToken: string, result: AttemptResult, now: string): Promise<boolean> {
    const outcome = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: result.status,
        response_code: result.response_code,
        response_body: result.response_body,
        error: result.status === 'delivered' ? null : result.error,
        next_attempt_at: result.status === 'delivered' ? now : result.next_attempt_at,
        completed_at: result.status === 'pending' ? null : now,
        leased_until: null,
        lease_token: null,
      })
      .where('id', '=', id)
      .where('lease_token', '=', leaseToken)
      .executeTakeFirst();
    return Number(outcome.numUpdatedRows) === 1;
  }
}
