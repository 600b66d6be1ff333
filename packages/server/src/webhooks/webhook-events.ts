import type { AuditRecord, ResourceType } from '../audit/audit.schema.js';

/**
 * What a webhook subscribes to, by group. `audit` is every audit record of its scope; the
 * others are the changes that alter what flags evaluate to.
 */
export const EVENT_GROUPS = ['flags', 'segments', 'overrides', 'audit'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

const GROUP_OF: Partial<Record<ResourceType, EventGroup>> = {
  feature: 'flags',
  feature_state: 'flags',
  segment: 'segments',
  segment_override: 'overrides',
  identity_override: 'overrides',
};

/**
 * Whether a webhook with `groups` wants `record`. A record matches at most once, however many
 * of the webhook's groups it falls in: one delivery per change and webhook.
 */
export function wants(groups: readonly EventGroup[], record: AuditRecord): boolean {
  if (groups.includes('audit')) return true;
  const group = GROUP_OF[record.resource_type];
  return group !== undefined && groups.includes(group);
}

/** The event name receivers see, e.g. `feature.update`, `segment_override.delete`. */
export function eventName(record: AuditRecord): string {
  return `${record.resource_type}.${record.action}`;
}

/** Sent by `POST /webhooks/:id/test`. */
export const PING_EVENT = 'ping';
