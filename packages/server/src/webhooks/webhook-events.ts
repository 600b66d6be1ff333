import type { AuditRecord, ResourceType } from '../audit/audit.schema.js';

/**
 * What a webhook subscribes to, by group. `audit` is every audit record of its scope;
 * `flags`, `segments` and `overrides` are the changes that alter what flags evaluate to;
 * `change_requests` is the review workflow (a request proposed, approved, committed…, a
 * change scheduled, applied…), for a chat channel where reviewers hear what awaits them.
 */
export const EVENT_GROUPS = ['flags', 'segments', 'overrides', 'change_requests', 'audit'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

const GROUP_OF: Partial<Record<ResourceType, EventGroup>> = {
  feature: 'flags',
  feature_state: 'flags',
  segment: 'segments',
  segment_override: 'overrides',
  identity_override: 'overrides',
  change_request: 'change_requests',
  scheduled_change: 'change_requests',
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

/** The event name receivers see, e.g. `feature.update`, `segment_override.delete`, `change_request.approve`. */
export function eventName(record: AuditRecord): string {
  return `${record.resource_type}.${record.action}`;
}

/** Sent by `POST /webhooks/:id/test`. */
export const PING_EVENT = 'ping';
