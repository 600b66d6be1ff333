import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient, rejection, seedProject } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('metrics routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    url = `/projects/${t.projectId}/metrics`;
  });
  afterAll(() => t?.close());

  describe('define and read', () => {
    it('creates a conversion metric with defaults, readable by id and by key', async () => {
      const created = await api('POST', url, {
        key: 'purchased',
        name: 'Purchased',
        kind: 'conversion',
        event_name: 'purchase',
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({
        key: 'purchased',
        kind: 'conversion',
        direction: 'higher',
        denominator_event_name: null,
        winsorize_percentile: null,
        conversion_window_hours: null,
        property_filter: null,
      });
      const id = created.json().id;
      expect((await api('GET', `${url}/${id}`)).json().key).toBe('purchased');
      expect((await api('GET', `${url}/purchased`)).json().id).toBe(id);
    });

    it('creates a ratio metric with a window, a cap and a property filter', async () => {
      const created = await api('POST', url, {
        key: 'revenue-per-visit',
        name: 'Revenue per visit',
        kind: 'ratio',
        event_name: 'purchase',
        denominator_event_name: 'visit',
        winsorize_percentile: 99,
        conversion_window_hours: 72,
        property_filter: { property: 'currency', operator: 'in', value: ['EUR', 'USD'] },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().property_filter).toEqual({
        property: 'currency',
        operator: 'in',
        value: ['EUR', 'USD'],
      });
    });

    it('lists the project metrics in pages', async () => {
      const page = (await api('GET', `${url}?limit=1`)).json();
      expect(page.items).toHaveLength(1);
      expect(page.next_cursor).toBeTruthy();
    });

    it('changes a definition, keeps the key', async () => {
      const updated = await api('PATCH', `${url}/purchased`, {
        direction: 'lower',
        conversion_window_hours: 24,
      });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({
        key: 'purchased',
        direction: 'lower',
        conversion_window_hours: 24,
      });
      expect((await api('PATCH', `${url}/purchased`, { key: 'other' })).statusCode).toBe(400);
    });

    it('leaves a metric untouched by a PATCH that changes nothing', async () => {
      const before = (await api('GET', `${url}/purchased`)).json();
      for (const body of [
        {},
        { direction: before.direction, conversion_window_hours: before.conversion_window_hours },
      ]) {
        const response = await api('PATCH', `${url}/purchased`, body);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual(before);
      }
      expect((await api('GET', `${url}/purchased`)).json().updated_at).toBe(before.updated_at);
    });
  });

  describe('refuses what cannot be meant, and changes nothing', () => {
    const cases: [string, unknown, number, string][] = [
      [
        'a ratio without denominator',
        { key: 'r', name: 'R', kind: 'ratio', event_name: 'a' },
        400,
        'invalid_metric',
      ],
      [
        'a denominator on a sum',
        { key: 's', name: 'S', kind: 'sum', event_name: 'a', denominator_event_name: 'b' },
        400,
        'invalid_metric',
      ],
      [
        'a cap on a conversion',
        { key: 'c', name: 'C', kind: 'conversion', event_name: 'a', winsorize_percentile: 99 },
        400,
        'invalid_metric',
      ],
      ['an unknown kind', { key: 'u', name: 'U', kind: 'median', event_name: 'a' }, 400, 'invalid_request'],
      [
        'a list with equals',
        {
          key: 'f',
          name: 'F',
          kind: 'count',
          event_name: 'a',
          property_filter: { property: 'p', operator: 'equals', value: ['x'] },
        },
        400,
        'invalid_metric',
      ],
      [
        'a window of zero hours',
        { key: 'w', name: 'W', kind: 'count', event_name: 'a', conversion_window_hours: 0 },
        400,
        'invalid_request',
      ],
      [
        'a key taken',
        { key: 'purchased', name: 'Again', kind: 'count', event_name: 'a' },
        409,
        'metric_key_taken',
      ],
    ];
    it.each(cases)('%s', async (_title, body, status, code) => {
      const result = await rejection(getDatabase().db, () => api('POST', url, body));
      expect(result).toEqual({ status, code, changed: false });
    });

    it('another organisation’s project is not found', async () => {
      const foreign = await seedProject(getDatabase().db);
      const result = await rejection(getDatabase().db, () =>
        api('POST', `/projects/${foreign.projectId}/metrics`, {
          key: 'x',
          name: 'X',
          kind: 'count',
          event_name: 'a',
        }),
      );
      expect(result).toEqual({ status: 404, code: 'project_not_found', changed: false });
    });
  });

  it('deletes a metric', async () => {
    await api('POST', url, { key: 'temporary', name: 'Temporary', kind: 'count', event_name: 'x' });
    expect((await api('DELETE', `${url}/temporary`)).statusCode).toBe(204);
    expect((await api('GET', `${url}/temporary`)).statusCode).toBe(404);
  });
});
