import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('native events API', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  let environmentId: string;

  const post = (payload: object | string, key: string | null = clientKey) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sdk/v1/events',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const rows = async (unitId: string) => {
    const { db } = getDatabase();
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('unit_id', '=', unitId)
      .orderBy('occurred_ms')
      .execute();
    const exposures = await db.selectFrom('exposures').selectAll().where('unit_id', '=', unitId).execute();
    return { events, exposures };
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    environmentId = production.id;
    clientKey = production.clientKey;
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/admin/v1/environments/${environmentId}/server-keys`,
      headers: t.admin,
      payload: { name: 'backend' },
    });
    serverKey = created.json().key;
  });
  afterAll(() => t.close());

  it('takes a beacon: client key in the query, JSON sent as text/plain; never a server key in a URL', async () => {
    const beacon = (key: string, payload: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/sdk/v1/events?key=${encodeURIComponent(key)}`,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        payload,
      });
    const body = JSON.stringify({
      events: [{ unit_id: 'beacon-user', name: 'page_hidden', idempotency_key: 'b1' }],
    });
    const accepted = await beacon(clientKey, body);
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await rows('beacon-user')).events).toHaveLength(1);
    expect((await beacon(clientKey, body)).json()).toEqual({ accepted: 1, duplicates: 1 });
    const refused = await beacon(serverKey, body);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await beacon(clientKey, '{"events":')).json().error.code).toBe('malformed_json');
  });

  it('accepts a batch with a client key and answers 202 once it is stored', async () => {
    const time = Date.now() - 60_000;
    const response = await post({
      events: [
        { unit_id: 'ana', name: 'purchase', value: 12.5, properties: { sku: 'a1' }, time },
        { unit_id: 'ana', name: 'signup', time: new Date(time + 1000).toISOString() },
      ],
      exposures: [
        {
          unit_id: 'ana',
          flag: 'checkout',
          variant: 'blue',
          value: 'blue',
          reason: 'SPLIT; weight=50',
          time,
        },
      ],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 3, duplicates: 0 });

    const { events, exposures } = await rows('ana');
    expect(events.map((e) => [e.name, e.value, e.source, e.environment_id])).toEqual([
      ['purchase', 12.5, 'native', environmentId],
      ['signup', null, 'native', environmentId],
    ]);
    expect(events[0].occurred_ms).toBe(time);
    expect(events[1].occurred_ms).toBe(time + 1000);
    expect(JSON.parse(events[0].properties)).toEqual({ sku: 'a1' });
    expect(exposures).toHaveLength(1);
    expect(exposures[0]).toMatchObject({
      feature_key: 'checkout',
      variant: 'blue',
      value: '"blue"',
      reason: 'SPLIT; weight=50',
    });
  });

  it('accepts server keys too', async () => {
    const response = await post({ exposures: [{ unit_id: 'bo', flag: 'banner' }] }, serverKey);
    expect(response.statusCode).toBe(202);
    expect((await rows('bo')).exposures).toHaveLength(1);
  });

  it('refuses a missing or unknown key and stores nothing', async () => {
    for (const key of [null, 'not-a-key']) {
      const response = await post({ events: [{ unit_id: 'nokey', name: 'x' }] }, key);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
    expect((await rows('nokey')).events).toEqual([]);
  });

  it('rejects the whole batch for one bad item, with a clear error, and stores none of it', async () => {
    const good = { unit_id: 'cy', name: 'ok' };
    const cases: [object | string, number, string][] = [
      ['{"events": [', 400, 'malformed_json'],
      [{ events: [good, { unit_id: 'cy', name: 42 }] }, 400, 'invalid_request'],
      [{ events: [good, { unit_id: 'cy', name: 'x', unknown: 1 }] }, 400, 'invalid_request'],
      [{ events: [good], extra: [] }, 400, 'invalid_request'],
      [{ events: [good, { unit_id: 'cy', name: 'n'.repeat(201) }] }, 400, 'invalid_request'],
      [{ events: [good, { unit_id: 'cy', name: 'x', value: '5' }] }, 400, 'invalid_request'],
      [{ events: [good, { unit_id: 'cy', name: 'x', time: 'yesterday' }] }, 400, 'invalid_request'],
      [
        { events: [good, { unit_id: 'cy', name: 'x', time: Date.now() + 2 * 86_400_000 }] },
        400,
        'invalid_time',
      ],
      [
        { events: [good, { unit_id: 'cy', name: 'x', properties: { blob: 'x'.repeat(9000) } }] },
        400,
        'properties_too_large',
      ],
      [{ events: [good, { unit_id: 'cy', name: 'nul\u0000' }] }, 400, 'unstorable_text'],
      [{ events: [good], exposures: [{ unit_id: 'cy', name: 'f' }] }, 400, 'invalid_request'],
      [{ events: [good], exposures: [{ unit_id: 'cy', flag: '' }] }, 400, 'invalid_request'],
      [{ events: Array.from({ length: 1001 }, () => good) }, 400, 'invalid_request'],
      [
        {
          events: Array.from({ length: 600 }, () => good),
          exposures: Array.from({ length: 401 }, () => ({ unit_id: 'cy', flag: 'f' })),
        },
        400,
        'batch_too_large',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 100)).toBe(status);
      expect(response.json().error.code, JSON.stringify(payload).slice(0, 100)).toBe(code);
    }
    expect(await rows('cy')).toEqual({ events: [], exposures: [] });
  });

  it('takes a full batch of 1000 items, and refuses bodies above the ingestion limit with 413', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => ({
      unit_id: 'dee',
      name: 'tick',
      value: i,
      properties: { n: 'x'.repeat(300) },
    }));
    const accepted = await post({ events: full });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json()).toEqual({ accepted: 1000, duplicates: 0 });
    expect((await rows('dee')).events).toHaveLength(1000);

    const huge = Array.from({ length: 200 }, () => ({
      unit_id: 'eve',
      name: 'big',
      properties: { blob: 'x'.repeat(7000) },
    }));
    const refused = await post({ events: huge });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('body_too_large');
    expect((await rows('eve')).events).toEqual([]);
  });
});
