import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';

describeEachDialect('Statsig client API: rgstr', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;

  /** As `@statsig/js-client` posts: text/plain strings, or bytes with no content type once gzipped. */
  const rgstr = (
    body: object | string | Buffer,
    query = `k=${clientKey}`,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/rgstr?${query}&ec=1`,
      headers: Buffer.isBuffer(body) ? headers : { 'content-type': 'text/plain;charset=UTF-8', ...headers },
      payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    clientKey = production.clientKey;
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/admin/v1/environments/${production.id}/server-keys`,
      headers: t.admin,
      payload: { name: 'backend' },
    });
    serverKey = created.json().key;
  });
  afterAll(() => t.close());

  it('answers 401 without a valid key', async () => {
    for (const query of ['', 'k=nope']) {
      const response = await rgstr({ events: [{ eventName: 'x', user: { userID: 'nokey' } }] }, query);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, code: 'unauthorized' });
    }
    const rows = await getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'nokey')
      .execute();
    expect(rows).toEqual([]);
  });

  it('stores exposure events as exposures and everything else as events', async () => {
    const now = Date.now();
    const user = { userID: 'eve', custom: { plan: 'pro' }, statsigEnvironment: { tier: 'production' } };
    const response = await rgstr({
      events: [
        {
          eventName: 'statsig::gate_exposure',
          user,
          value: null,
          metadata: { gate: 'dark_mode', gateValue: 'true', ruleID: 'DEFAULT', reason: 'Network:Recognized' },
          secondaryExposures: [],
          time: now - 3000,
        },
        {
          eventName: 'statsig::config_exposure',
          user,
          value: null,
          metadata: {
            config: 'checkout',
            ruleID: 'SPLIT; weight=50; variant=green',
            reason: 'Network:Recognized',
            rulePassed: 'true',
          },
          secondaryExposures: [],
          time: now - 2000,
        },
        { eventName: 'purchase', user, value: 42.5, metadata: { sku: 'a1' }, time: now - 1000 },
        { eventName: 'search', user, value: 'red shoes', metadata: null, time: now },
        {
          eventName: 'statsig::diagnostics',
          user,
          value: null,
          metadata: { context: 'initialize', markers: [] },
          time: now,
        },
      ],
      statsigMetadata: { sdkType: 'javascript-client', sdkVersion: '3.0.0', stableID: 'device-9' },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ success: true });

    const { db } = getDatabase();
    const exposures = await db
      .selectFrom('exposures')
      .selectAll()
      .where('unit_id', '=', 'eve')
      .orderBy('occurred_ms')
      .execute();
    expect(exposures.map((e) => [e.feature_key, e.variant, JSON.parse(e.value), e.reason, e.source])).toEqual(
      [
        ['dark_mode', null, true, 'DEFAULT', 'statsig'],
        ['checkout', 'green', null, 'SPLIT; weight=50', 'statsig'],
      ],
    );
    expect(exposures[0].occurred_ms).toBe(now - 3000);
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'eve')
      .orderBy('occurred_ms')
      .execute();
    expect(events.map((e) => [e.name, e.value, JSON.parse(e.properties)])).toEqual([
      ['purchase', 42.5, { sku: 'a1' }],
      ['search', null, { value: 'red shoes' }],
    ]);
  });

  it('takes gzipped batches, and attributes events without a userID to the stableID', async () => {
    const batch = {
      events: [{ eventName: 'app_open', user: { customIDs: {} }, time: Date.now() }],
      statsigMetadata: { stableID: 'device-7' },
    };
    const response = await rgstr(gzipSync(Buffer.from(JSON.stringify(batch))), `k=${clientKey}&gz=1`);
    expect(response.statusCode).toBe(202);
    const rows = await getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'device-7')
      .execute();
    expect(rows.map((r) => r.name)).toEqual(['app_open']);
  });

  it('takes the same batches at /log_event with the STATSIG-API-KEY header, as server SDKs send them', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/log_event',
      headers: { 'content-type': 'application/json', 'statsig-api-key': serverKey },
      payload: {
        events: [{ eventName: 'checkout_done', user: { userID: 'gil' }, value: 3, time: Date.now() }],
      },
    });
    expect(response.statusCode).toBe(202);
    const rows = await getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'gil')
      .execute();
    expect(rows.map((r) => [r.name, r.value])).toEqual([['checkout_done', 3]]);
  });

  it('rejects a batch with one bad event whole, storing nothing', async () => {
    const good = { eventName: 'ok', user: { userID: 'fay' }, time: Date.now() };
    const cases: [object, string][] = [
      [{ events: [good, { eventName: 'x', user: null }] }, 'invalid_event'],
      [
        { events: [good, { eventName: 'statsig::gate_exposure', user: { userID: 'fay' }, metadata: {} }] },
        'invalid_exposure',
      ],
      [
        { events: [good, { eventName: 'late', user: { userID: 'fay' }, time: Date.now() + 3 * 86_400_000 }] },
        'invalid_time',
      ],
      [
        { events: [good, { eventName: 'x', user: { userID: 'fay' }, value: { nested: 1 } }] },
        'invalid_request',
      ],
      [{ events: Array.from({ length: 1001 }, () => good) }, 'invalid_request'],
      [{ notEvents: [] }, 'invalid_request'],
    ];
    for (const [payload, code] of cases) {
      const response = await rgstr(payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(response.json().code).toBe(code);
    }
    const rows = await getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'fay')
      .execute();
    expect(rows).toEqual([]);
  });

  it('takes Statsig-encoded batches, gzipped or not', async () => {
    const encode = (value: object) =>
      Buffer.from(JSON.stringify(value), 'latin1').toString('base64').split('').reverse().join('');
    const batch = (name: string) => ({
      events: [{ eventName: name, user: { userID: 'hal' }, time: Date.now() }],
    });
    expect((await rgstr(encode(batch('encoded')), `k=${clientKey}&se=1`)).statusCode).toBe(202);
    const both = gzipSync(Buffer.from(encode(batch('encoded_gzipped')), 'latin1'));
    expect((await rgstr(both, `k=${clientKey}&se=1&gz=1`)).statusCode).toBe(202);
    const rows = await getDatabase()
      .db.selectFrom('events')
      .selectAll()
      .where('unit_id', '=', 'hal')
      .execute();
    expect(rows.map((r) => r.name).sort()).toEqual(['encoded', 'encoded_gzipped']);
  });

  it('refuses a small gzip that inflates past the route limit, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.from(`{"events":[],"pad":"${' '.repeat(2 * 1024 * 1024)}"}`));
    const refused = await rgstr(bomb, `k=${clientKey}&gz=1`);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().code).toBe('body_too_large');
  });
});
