import type { EventGroup, Webhook, WebhookPatch } from '../api/webhooks.js';

/** The server's event groups (webhooks/webhook-events.ts), as people read them. */
export const EVENT_GROUPS: readonly { value: EventGroup; label: string }[] = [
  { value: 'flags', label: 'Flags (features and their states)' },
  { value: 'segments', label: 'Segments' },
  { value: 'overrides', label: 'Overrides (segment and identity)' },
  { value: 'change_requests', label: 'Change requests and scheduled changes' },
  { value: 'audit', label: 'Everything in the audit log' },
];

/** What the edit form holds. */
export interface WebhookForm {
  url: string;
  events: EventGroup[];
  enabled: boolean;
  description: string;
}

export function formOf(webhook: Webhook): WebhookForm {
  return {
    url: webhook.url,
    events: [...webhook.events],
    enabled: webhook.enabled,
    description: webhook.description,
  };
}

/**
 * Only the fields the form changed, so saving sends (and the dialog lists) exactly what will
 * change; an empty patch means nothing to save. Event order does not count as a change.
 */
export function webhookPatch(current: Webhook, form: WebhookForm): WebhookPatch {
  const patch: WebhookPatch = {};
  const url = form.url.trim();
  if (url !== current.url) patch.url = url;
  const sameEvents =
    form.events.length === current.events.length && form.events.every((e) => current.events.includes(e));
  if (!sameEvents) patch.events = EVENT_GROUPS.map((g) => g.value).filter((g) => form.events.includes(g));
  if (form.enabled !== current.enabled) patch.enabled = form.enabled;
  if (form.description !== current.description) patch.description = form.description;
  return patch;
}

/** A receiver's answer, cut for a table cell; the server already keeps only its start. */
export function shortBody(body: string | null, max = 80): string {
  if (body === null || body === '') return '—';
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
