import { beforeAll, expect, it } from 'vitest';
import { isPennonError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { describeEachDialect } from '../testing/databases.js';
import { EventsRepository } from './events.repository.js';
import { EventsService, MAX_BATCH_ITEMS } from './events.service.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

describeEachDialect('events service', (getDatabase) => {
  let environmentId: string;
  let service: EventsService;

  beforeAll(async () => {
    const { db } = getDatabase();
    const now = new Date(NOW).toISOString();
    const organisation = { id: newId(), name: 'org', created_at: now };
    const project = {
      id: newId(),
      organisation_id: organisation.id,
      name: 'p',
      created_at: now,
      updated_at: now,
    };
    environmentId = newId();
    await db.insertInto('organisations').values(organisation).execute();
    await db.insertInto('projects').values(project).execute();
    await db
      .insertInto('environments')
      .values({
        id: environmentId,
        project_id: project.id,
        key: 'production',
        name: 'Production',
        client_key: `ck-${environmentId}`,
        hide_disabled_flags: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    service = new EventsService(EventsRepository.of(getDatabase()), () => NOW);
  });

  const eventsOf = (unitId: string) =>
    getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', unitId)
      .orderBy('occurred_ms')
      .orderBy('value')
      .execute();
  const exposuresOf = (unitId: string) =>
    getDatabase()
      .db.selectFrom('exposures')
      .selectAll()
      .where('unit_id', '=', unitId)
      .orderBy('id')
      .execute();

  async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isPennonError(error)) throw new Error(`expected a PennonError, got ${String(error)}`);
    expect(error.kind).toBe('invalid');
    return { code: error.code, message: error.message };
  }

  it('stores a batch of events and exposures and reports what it accepted', async () => {
    const result = await service.ingest(
      environmentId,
      {
        events: [
          {
            unitId: 'ana',
            name: 'purchase',
            value: 9.99,
            properties: { sku: 'a1', qty: 2 },
            time: NOW - 1000,
          },
          { unitId: 'ana', name: 'page_view' },
        ],
        exposures: [
          {
            unitId: 'ana',
            featureKey: 'checkout',
            variant: 'blue',
            value: { colour: 'blue' },
            reason: 'SPLIT; weight=50',
          },
        ],
      },
      'native',
    );
    expect(result).toEqual({ accepted: 3, duplicates: 0 });

    const events = await eventsOf('ana');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      environment_id: environmentId,
      name: 'purchase',
      value: 9.99,
      occurred_ms: NOW - 1000,
      received_at: new Date(NOW).toISOString(),
      source: 'native',
    });
    expect(JSON.parse(events[0].properties)).toEqual({ sku: 'a1', qty: 2 });
    expect(events[1]).toMatchObject({
      name: 'page_view',
      value: null,
      properties: '{}',
      occurred_ms: NOW,
    });

    const [exposure] = await exposuresOf('ana');
    expect(exposure).toMatchObject({
      feature_key: 'checkout',
      variant: 'blue',
      reason: 'SPLIT; weight=50',
      source: 'native',
    });
    expect(JSON.parse(exposure.value)).toEqual({ colour: 'blue' });
  });

  it('stores a time with a fraction of a millisecond as its whole milliseconds', async () => {
    await service.ingest(
      environmentId,
      {
        events: [{ unitId: 'fraction', name: 'tick', time: NOW - 1000 + 0.7 }],
        exposures: [{ unitId: 'fraction', featureKey: 'checkout', time: NOW - 2000 + 0.2 }],
      },
      'native',
    );
    expect((await eventsOf('fraction'))[0]?.occurred_ms).toBe(NOW - 1000);
    expect((await exposuresOf('fraction'))[0]?.occurred_ms).toBe(NOW - 2000);
  });

  it('keeps exposures whose value, variant and reason are unknown', async () => {
    await service.ingest(environmentId, { exposures: [{ unitId: 'bo', featureKey: 'banner' }] }, 'statsig');
    const [exposure] = await exposuresOf('bo');
    expect(exposure).toMatchObject({ variant: null, value: 'null', reason: null, source: 'statsig' });
  });

  it('accepts an empty batch without writing', async () => {
    expect(await service.ingest(environmentId, {}, 'native')).toEqual({ accepted: 0, duplicates: 0 });
  });

  it('stores a full batch, in several statements when the parameter limit demands it', async () => {
    // 9 columns per event row: 20 parameters allow two rows per statement.
    const chunked = new EventsService(new EventsRepository(getDatabase().db, 20), () => NOW);
    const events = Array.from({ length: 7 }, (_, i) => ({ unitId: 'cy', name: `e${i}`, value: i }));
    const exposures = Array.from({ length: 5 }, (_, i) => ({ unitId: 'cy', featureKey: `f${i}` }));
    expect(await chunked.ingest(environmentId, { events, exposures }, 'native')).toEqual({
      accepted: 12,
      duplicates: 0,
    });
    expect((await eventsOf('cy')).map((e) => e.value)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await exposuresOf('cy')).toHaveLength(5);

    const full = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => ({
      unitId: 'dee',
      name: 'tick',
      value: i,
    }));
    expect(await service.ingest(environmentId, { events: full }, 'native')).toEqual({
      accepted: MAX_BATCH_ITEMS,
      duplicates: 0,
    });
    expect(await eventsOf('dee')).toHaveLength(MAX_BATCH_ITEMS);
  });

  it('stores a retried batch once: items with a stored idempotency key are dropped and counted', async () => {
    const batch = {
      events: [
        { unitId: 'ida', name: 'purchase', value: 5, idempotencyKey: 'evt-1' },
        { unitId: 'ida', name: 'purchase', value: 5 },
      ],
      exposures: [{ unitId: 'ida', featureKey: 'checkout', variant: 'b', idempotencyKey: 'exp-1' }],
    };
    expect(await service.ingest(environmentId, batch, 'native')).toEqual({ accepted: 3, duplicates: 0 });
    // The retry: keyed items are already there; the unkeyed event cannot be told apart, so it counts again.
    expect(await service.ingest(environmentId, batch, 'native')).toEqual({ accepted: 3, duplicates: 2 });
    const keys = (await eventsOf('ida')).map((e) => e.idempotency_key);
    expect(keys.filter((key) => key === 'evt-1')).toHaveLength(1);
    expect(keys).toHaveLength(3);
    expect(await exposuresOf('ida')).toHaveLength(1);
    // The same key twice in one batch is one item too.
    const twice = { unitId: 'ida', name: 'refund', idempotencyKey: 'evt-2' };
    expect(await service.ingest(environmentId, { events: [twice, twice] }, 'native')).toEqual({
      accepted: 2,
      duplicates: 1,
    });
  });

  it('rejects the whole batch when one item is bad, and stores nothing of it', async () => {
    const good = { unitId: 'eve', name: 'ok' };
    const cases: [Parameters<EventsService['ingest']>[1], string][] = [
      [{ events: [good, { unitId: 'eve', name: '' }] }, 'invalid_event'],
      [{ events: [good, { unitId: '', name: 'x' }] }, 'invalid_event'],
      [{ events: [good, { unitId: 'eve', name: 'n'.repeat(201) }] }, 'invalid_event'],
      [{ events: [good, { unitId: 'eve', name: 'nul\u0000' }] }, 'invalid_event'],
      [{ events: [good, { unitId: 'eve', name: 'x', value: Number.NaN }] }, 'invalid_event'],
      [
        { events: [good, { unitId: 'eve', name: 'x', properties: { blob: 'x'.repeat(8 * 1024) } }] },
        'properties_too_large',
      ],
      [{ events: [good, { unitId: 'eve', name: 'x', time: NOW + DAY + 1000 }] }, 'invalid_time'],
      [{ events: [good, { unitId: 'eve', name: 'x', time: (NOW - 1000) / 1000 }] }, 'invalid_time'],
      [{ events: [good], exposures: [{ unitId: 'eve', featureKey: '' }] }, 'invalid_exposure'],
      [
        { events: [good], exposures: [{ unitId: 'eve', featureKey: 'f', variant: 'v'.repeat(201) }] },
        'invalid_exposure',
      ],
      [
        { events: [good], exposures: [{ unitId: 'eve', featureKey: 'f', value: 'x'.repeat(70_000) }] },
        'invalid_exposure',
      ],
      [
        {
          events: Array.from({ length: 600 }, () => good),
          exposures: Array.from({ length: 401 }, () => ({ unitId: 'eve', featureKey: 'f' })),
        },
        'batch_too_large',
      ],
    ];
    for (const [batch, code] of cases) {
      const error = await rejection(service.ingest(environmentId, batch, 'native'));
      expect(error.code, JSON.stringify(batch).slice(0, 120)).toBe(code);
    }
    expect(await eventsOf('eve')).toEqual([]);
    expect(await exposuresOf('eve')).toEqual([]);
  });

  it('names the offending item in the message', async () => {
    const error = await rejection(
      service.ingest(
        environmentId,
        {
          events: [
            { unitId: 'fay', name: 'ok' },
            { unitId: 'fay', name: 'x', time: 0 },
          ],
        },
        'native',
      ),
    );
    expect(error.message).toContain('events[1].time');
  });

  it('leaves nothing behind when the database refuses part of a batch', async () => {
    // The events insert succeeds, then the exposures insert fails its foreign key: the
    // transaction must take the events back out.
    const at = new Date(NOW).toISOString();
    const common = { occurred_ms: NOW, received_at: at, source: 'native' };
    const repository = EventsRepository.of(getDatabase());
    const failure = await repository
      .insertBatch(
        [
          {
            id: newId(),
            environment_id: environmentId,
            unit_id: 'gus',
            name: 'x',
            value: null,
            properties: '{}',
            ...common,
          },
        ],
        [
          {
            id: newId(),
            environment_id: 'no-such-environment',
            unit_id: 'gus',
            feature_key: 'f',
            variant: null,
            value: 'null',
            reason: null,
            ...common,
          },
        ],
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(await eventsOf('gus')).toEqual([]);
    expect(await exposuresOf('gus')).toEqual([]);
  });
});
