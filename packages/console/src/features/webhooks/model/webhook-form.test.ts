import { describe, expect, it } from 'vitest';
import type { Webhook } from '../api/webhooks.js';
import { formOf, shortBody, webhookPatch } from './webhook-form.js';

const webhook: Webhook = {
  id: 'wh_1',
  project_id: 'prj_1',
  environment_id: null,
  url: 'https://hooks.example.com/pennon',
  events: ['flags', 'segments'],
  enabled: true,
  description: '',
  created_at: '2026-03-02T09:00:00.000Z',
  updated_at: '2026-03-02T09:00:00.000Z',
};

describe('webhookPatch', () => {
  it('is empty when nothing changed, whatever the order of the events', () => {
    expect(webhookPatch(webhook, formOf(webhook))).toEqual({});
    expect(webhookPatch(webhook, { ...formOf(webhook), events: ['segments', 'flags'] })).toEqual({});
  });

  it('holds only the changed fields, the URL trimmed and events in the server order', () => {
    const patch = webhookPatch(webhook, {
      ...formOf(webhook),
      url: ' https://other.example.com/hook ',
      events: ['audit', 'flags'],
      enabled: false,
    });
    expect(patch).toEqual({
      url: 'https://other.example.com/hook',
      events: ['flags', 'audit'],
      enabled: false,
    });
  });
});

describe('shortBody', () => {
  it('says nothing came back with a dash', () => {
    expect(shortBody(null)).toBe('—');
    expect(shortBody('')).toBe('—');
  });
  it('flattens whitespace and cuts long answers with an ellipsis', () => {
    expect(shortBody('{\n  "ok": true\n}')).toBe('{ "ok": true }');
    const cut = shortBody('x'.repeat(200), 10);
    expect(cut).toBe(`${'x'.repeat(9)}…`);
  });
});
