import type { ColumnType } from 'kysely';

/**
 * Row shapes as stored. Portable types only: text, integer 0/1 for booleans, JSON as text,
 * ISO-8601 text for times, so one set of migrations and queries serves SQLite and PostgreSQL.
 */
export interface Tables {
  organisations: OrganisationRow;
  projects: ProjectRow;
  environments: EnvironmentRow;
  server_keys: ServerKeyRow;
  admin_tokens: AdminTokenRow;
  features: FeatureRow;
  feature_favourites: FeatureFavouriteRow;
  feature_states: FeatureStateRow;
  segments: SegmentRow;
  segment_overrides: SegmentOverrideRow;
  identities: IdentityRow;
  identity_traits: IdentityTraitRow;
  environment_usage: EnvironmentUsageRow;
  identity_overrides: IdentityOverrideRow;
  flag_analytics: FlagAnalyticsRow;
  events: EventRow;
  exposures: ExposureRow;
  metrics: MetricRow;
  experiments: ExperimentRow;
  experiment_metrics: ExperimentMetricRow;
  experiment_changes: ExperimentChangeRow;
  change_requests: ChangeRequestRow;
  change_request_approvals: ChangeRequestApprovalRow;
  scheduled_changes: ScheduledChangeRow;
  audit_log: AuditLogRow;
  webhooks: WebhookRow;
  webhook_deliveries: WebhookDeliveryRow;
  users: UserRow;
  sessions: SessionRow;
  invitations: InvitationRow;
  project_members: ProjectMemberRow;
}

export interface OrganisationRow {
  id: string;
  name: string;
  created_at: string;
}

export interface ProjectRow {
  id: string;
  organisation_id: string;
  name: string;
  created_at: string;
  updated_at: string;
  /** Only grows: a deleted feature's number is never handed out again. */
  next_feature_number: number;
}

export interface EnvironmentRow {
  id: string;
  project_id: string;
  /** Short machine name, e.g. `production`; unique within the project. */
  key: string;
  name: string;
  client_key: string;
  hide_disabled_flags: number;
  /** 1: client keys get back only the traits they sent (Flagsmith's setting). */
  hide_sensitive_data: number;
  /** 1: client keys may store traits; 0: client-sent traits are used for the evaluation only. */
  allow_client_traits: number;
  /** Approvals a change request needs; null: unprotected, changes go straight in. */
  requires_approval: number | null;
  created_at: string;
  /** Bumped on every change that affects evaluation in this environment. */
  updated_at: string;
}

/** What an environment stores, kept in step by every identity and trait write (quotas). */
export interface EnvironmentUsageRow {
  environment_id: string;
  identities: number | string | bigint;
  traits: number | string | bigint;
}

export interface ServerKeyRow {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  created_at: string;
}

export interface AdminTokenRow {
  id: string;
  organisation_id: string;
  name: string;
  /** sha256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** Organisation role (auth/permissions.ts); rows written before roles existed are owners. */
  role: ColumnType<string, string | undefined, string>;
  created_at: string;
}

export interface FeatureRow {
  id: string;
  project_id: string;
  key: string;
  type: 'boolean' | 'string' | 'number' | 'json';
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** Never served to client keys. */
  server_key_only: number;
  default_enabled: number;
  /** JSON value, or null. */
  default_value: string | null;
  /** Stable integer used by Flagsmith-compatible APIs as the feature id. */
  number: number;
  /**
   * Who looks after the flag (free text); archived flags are hidden from the console's list
   * but keep evaluating. Optional only for writers: the columns default to '' and 0.
   */
  owner?: string;
  archived?: number;
  created_at: string;
  updated_at: string;
}

export interface FeatureFavouriteRow {
  user_id: string;
  feature_id: string;
  created_at: string;
}

export interface FeatureStateRow {
  id: string;
  environment_id: string;
  feature_id: string;
  enabled: number;
  /** JSON value, or null. */
  value: string | null;
  /** JSON array of `{key, value, weight, priority}`; `[]` when not multivariate. */
  variants: string;
  /** Hashing seed for variant assignment; fixed at creation, survives every edit. */
  hash_key: string;
  /** Only grows: a removed variant's priority is never given to a new one. */
  next_variant_priority: number;
  /** Share of identities (0–100) that get this state enabled; null for everyone. */
  rollout_percentage: number | null;
  updated_at: string;
}

export interface SegmentRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  /** Hashing seed for PERCENTAGE_SPLIT conditions; fixed at creation. */
  hash_key: string;
  /** JSON array of rules, as DESIGN.md §3. */
  rules: string;
  created_at: string;
  updated_at: string;
}

export interface SegmentOverrideRow {
  id: string;
  environment_id: string;
  segment_id: string;
  feature_id: string;
  /** Lower wins. */
  priority: number;
  enabled: number;
  value: string | null;
  variants: string;
  hash_key: string;
  next_variant_priority: number;
  /** Share of the segment's identities (0–100) this override applies to; null for all. */
  rollout_percentage: number | null;
  updated_at: string;
}

export interface IdentityRow {
  id: string;
  environment_id: string;
  identifier: string;
  created_at: string;
}

export interface IdentityTraitRow {
  identity_id: string;
  trait_key: string;
  /** JSON scalar. */
  trait_value: string;
}

export interface IdentityOverrideRow {
  id: string;
  identity_id: string;
  feature_id: string;
  enabled: number;
  value: string | null;
  hash_key: string;
  updated_at: string;
}

export interface FlagAnalyticsRow {
  environment_id: string;
  feature_key: string;
  /** Start of the hour, ISO. */
  bucket: string;
  count: number;
}

/** One event an application logged (DESIGN.md §6); written only by the events service. */
export interface EventRow {
  id: string;
  environment_id: string;
  /** The unit the event is about: the identity's identifier (or a device id). */
  unit_id: string;
  name: string;
  value: number | null;
  /** JSON object. */
  properties: string;
  /** Epoch milliseconds (migration 0013: results compare and add them as integers). */
  occurred_ms: number;
  received_at: string;
  /** The protocol it arrived by: 'native', 'statsig', 'flagsmith', ... */
  source: string;
  /** The sender's key for this item; a second item with the same key is dropped. */
  idempotency_key: string | null;
}

/** The record that a unit saw a flag's value (or a variant of it). */
export interface ExposureRow {
  id: string;
  environment_id: string;
  unit_id: string;
  feature_key: string;
  variant: string | null;
  /** JSON value the unit saw; `null` (the JSON text) when the client did not say. */
  value: string;
  reason: string | null;
  /** Epoch milliseconds. */
  occurred_ms: number;
  received_at: string;
  source: string;
  idempotency_key: string | null;
}

export type MetricKind = 'conversion' | 'count' | 'sum' | 'mean' | 'ratio';

/** How an experiment's events become one number per unit (DESIGN.md §2, Metric). */
export interface MetricRow {
  id: string;
  project_id: string;
  /** Unique within the project. */
  key: string;
  name: string;
  description: string;
  kind: MetricKind;
  event_name: string;
  /** Ratio metrics only: the event counted in the denominator. */
  denominator_event_name: string | null;
  direction: 'higher' | 'lower';
  /** Per-unit values above this percentile (0–100) are capped to it; null: no cap. */
  winsorize_percentile: number | null;
  /** Events count up to this long after the unit's first exposure; null: until the end. */
  conversion_window_hours: number | null;
  /** JSON `{property, operator, value}` over event properties, or null. */
  property_filter: string | null;
  created_at: string;
  updated_at: string;
}

export type ExperimentStatus = 'draft' | 'running' | 'stopped';

export interface ExperimentRow {
  id: string;
  environment_id: string;
  feature_id: string;
  /** Unique within the environment. */
  key: string;
  name: string;
  hypothesis: string;
  control_variant: string;
  status: ExperimentStatus;
  method: 'frequentist' | 'sequential' | 'bayesian';
  alpha: number;
  correction: 'holm' | 'benjamini-hochberg';
  cuped: number;
  cuped_window_days: number;
  started_at: string | null;
  stopped_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExperimentMetricRow {
  experiment_id: string;
  metric_id: string;
  role: 'primary' | 'secondary' | 'guardrail';
  position: number;
}

/** What happened to an experiment and when: lifecycle actions and forced changes. */
export interface ExperimentChangeRow {
  id: string;
  experiment_id: string;
  at: string;
  action: string;
  /** JSON object. */
  details: string;
}

/** One change, by whom, to what; written in the transaction of the change, never edited. */
export interface AuditLogRow {
  id: string;
  organisation_id: string;
  at: string;
  actor_kind: 'user' | 'token' | 'system';
  actor_id: string;
  /** e.g. `feature`, `feature_state`, `segment_override`, `server_key`. */
  resource_type: string;
  resource_id: string;
  /** e.g. `create`, `update`, `delete`, `rotate_key`, `start`, `import`. */
  action: string;
  project_id: string | null;
  environment_id: string | null;
  /** JSON of the API representation, secrets masked; null for a creation. */
  before: string | null;
  /** As `before`; null for a deletion. */
  after: string | null;
}

export interface WebhookRow {
  id: string;
  project_id: string;
  /** Null: every environment of the project. */
  environment_id: string | null;
  url: string;
  /** HMAC key; shown once at creation, kept to sign every delivery. */
  secret: string;
  /** JSON array of event groups (webhooks/webhook-events.ts). */
  events: string;
  enabled: number;
  description: string;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The outbox and the delivery log at once: one row per event and webhook. */
export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  /** e.g. `feature.updated`, `ping`. */
  event: string;
  audit_id: string | null;
  /** The exact JSON body sent on every attempt. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  /** A worker holds the row until then; after it, another may take it. */
  leased_until: string | null;
  /** Proves which claim a result belongs to, so a worker whose lease ran out records nothing. */
  lease_token: string | null;
  response_code: number | null;
  /** The receiver's answer, truncated. */
  response_body: string | null;
  error: string | null;
  created_at: string;
  completed_at: string | null;
}

export type ChangeRequestStatus = 'open' | 'approved' | 'committed' | 'rejected' | 'cancelled' | 'failed';

/** A set of changes to one environment waiting for approvals (change-requests/). */
export interface ChangeRequestRow {
  id: string;
  environment_id: string;
  title: string;
  description: string;
  status: ChangeRequestStatus;
  /** JSON Actor (auth/actor.ts) who proposed it. */
  author: string;
  /** Grows with every new version of the changes; approvals count for the current one only. */
  revision: number;
  /** JSON array of planned changes (change-sets/change-set.schema.ts `PlannedChange`). */
  changes: string;
  /** Applied at this time once approved; null: when someone commits it. */
  scheduled_at: string | null;
  /** JSON Actor who committed, rejected or cancelled it. */
  closed_by: string | null;
  closed_at: string | null;
  /** Which scheduler applied it, when one did. */
  claimed_by: string | null;
  /** JSON `{code, message}` when a scheduled commit failed. */
  failure: string | null;
  created_at: string;
  updated_at: string;
}

export interface ChangeRequestApprovalRow {
  change_request_id: string;
  /** `<kind>:<id>` of the actor. */
  actor_key: string;
  /** JSON Actor. */
  actor: string;
  approved_at: string;
}

export type ScheduledChangeStatus = 'pending' | 'applied' | 'failed' | 'cancelled';

/** Changes to an unprotected environment applied at a set time (scheduled-changes/). */
export interface ScheduledChangeRow {
  id: string;
  environment_id: string;
  status: ScheduledChangeStatus;
  /** JSON Actor; the scheduler applies the changes as this actor. */
  author: string;
  /** JSON array of planned changes, as on change requests. */
  changes: string;
  scheduled_at: string;
  applied_at: string | null;
  claimed_by: string | null;
  /** JSON `{code, message}` when applying failed. */
  failure: string | null;
  created_at: string;
  updated_at: string;
}

/** A person who signs in to the console. One email is one account, across organisations. */
export interface UserRow {
  id: string;
  organisation_id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  /** A PHC-style scrypt string (auth/passwords.ts); never leaves the server. */
  password_hash: string;
  /** Organisation role: 'owner' | 'admin' | 'member'. */
  role: string;
  created_at: string;
  updated_at: string;
}

/** A signed-in browser. The cookie carries the token; only its sha256 is stored. */
export interface SessionRow {
  id: string;
  user_id: string;
  token_hash: string;
  /** Sent back in `x-csrf-token` on every state-changing request of this session. */
  csrf_token: string;
  user_agent: string;
  ip: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

/** An invitation by link; the link's token is stored as its sha256 and shown once. */
export interface InvitationRow {
  id: string;
  organisation_id: string;
  email: string;
  organisation_role: string;
  /** JSON [{project_id, role, environments?}]: the project roles the new user starts with. */
  projects: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

/** A member's role in one project; organisation owners and admins need none. */
export interface ProjectMemberRow {
  project_id: string;
  user_id: string;
  /** 'admin' | 'editor' | 'viewer'. */
  role: string;
  /** JSON {environment id: 'edit' | 'propose' | 'view'}: an editor's limits per environment. */
  environments: string;
  created_at: string;
  updated_at: string;
}
