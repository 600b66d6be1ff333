import { expect, it } from 'vitest';
import { newId } from '../shared/ids.js';
import type { EventRow, ExposureRow } from '../storage/tables.js';
import { seedProject } from '../testing/admin-fixtures.js';
import { describeEachDialect } from '../testing/databases.js';
import { EventsRepository } from './events.repository.js';

const AT = '2026-01-05T00:00:00.000Z';

describeEachDialect('events repository', (getDatabase) => {
  const event = (environmentId: string, unitId: string, key: string | null = null): EventRow => ({
    id: newId(),
    environment_id: environmentId,
    unit_id: unitId,
    name: 'purchase',
    value: 1,
    properties: '{}',
    occurred_ms: Date.parse(AT),
    received_at: AT,
    source: 'native',
    idempotency_key: key,
  });
  const exposure = (environmentId: string, unitId: string): ExposureRow => ({
    id: newId(),
    environment_id: environmentId,
    unit_id: unitId,
    feature_key: 'checkout',
    variant: 'a',
    value: 'null',
    reason: null,
    occurred_ms: Date.parse(AT),
    received_at: AT,
    source: 'native',
    idempotency_key: null,
  });
  const count = async (unitPrefix: string) => {
    const { db } = getDatabase();
    const rows = await db
      .selectFrom('events')
      .select('unit_id')
      .where('unit_id', 'like', `${unitPrefix}%`)
      .execute();
    return rows.length;
  };

  it('stores batches sent at once, each counted on its own, a key repeated across them stored once', async () => {
    const { environmentId } = await seedProject(getDatabase().db);
    const repository = EventsRepository.of(getDatabase());
    const batches = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) =>
        event(environmentId, `together-${b}-${i}`, i === 0 ? 'shared-key' : null),
      ),
    );
    const stored = await Promise.all(batches.map((batch) => repository.insertBatch(batch, [])));
    // Exactly one batch stored the shared key; the others skipped it as a duplicate.
    expect(stored.filter((n) => n === 50)).toHaveLength(1);
    expect(stored.filter((n) => n === 49)).toHaveLength(11);
    expect(await count('together-')).toBe(50 + 11 * 49);
  });

  it('refuses only the batch the database refuses, when others are written with it', async () => {
    const { environmentId } = await seedProject(getDatabase().db);
    const repository = EventsRepository.of(getDatabase());
    const results = await Promise.allSettled([
      repository.insertBatch([event(environmentId, 'good-1')], []),
      // A foreign key the database refuses: its event must go with it.
      repository.insertBatch([event(environmentId, 'bad-1')], [exposure('no-such-environment', 'bad-1')]),
      repository.insertBatch([event(environmentId, 'good-2')], [exposure(environmentId, 'good-2')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 2 });
    const refused = (results[1] as PromiseRejectedResult).reason as Error;
    // Translated: no driver message reaches a caller.
    expect(refused.name).toBe('PennonError');
    expect(await count('good-')).toBe(2);
    expect(await count('bad-')).toBe(0);
  });

  it('never writes inside another transaction: a batch sent while one is open survives its rollback', async () => {
    const { environmentId } = await seedProject(getDatabase().db);
    const { db } = getDatabase();
    const repository = EventsRepository.of(getDatabase());
    let written: Promise<number> | undefined;
    const rolledBack = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('events').values(event(environmentId, 'in-transaction')).execute();
        written = repository.insertBatch([event(environmentId, 'beside-transaction')], []);
        // Give the batch every chance to be written now, inside this transaction, if it could.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll back');
      })
      .then(
        () => false,
        () => true,
      );
    expect(rolledBack).toBe(true);
    expect(await written).toBe(1);
    expect(await count('in-transaction')).toBe(0);
    expect(await count('beside-transaction')).toBe(1);
  });
});
