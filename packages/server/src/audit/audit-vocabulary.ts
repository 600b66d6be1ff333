/**
 * The audit log's vocabulary, free of dependencies so that the console reads the very lists
 * the API validates its filters against (`@pennon/server/audit-vocabulary`) instead of a copy
 * that falls behind.
 * @module
 */

/** What an audit record can be about; one per admin resource. */
export const RESOURCE_TYPES = [
  'organisation',
  'admin_token',
  'project',
  'environment',
  'server_key',
  'feature',
  'feature_state',
  'segment',
  'segment_override',
  'identity',
  'identity_override',
  'metric',
  'experiment',
  'webhook',
  'import',
  'user',
  'invitation',
  'project_member',
  'change_request',
  'scheduled_change',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Who can act: a signed-in person, an admin token, or the server itself (the scheduler). */
export const ACTOR_KINDS = ['user', 'token', 'system'] as const;
