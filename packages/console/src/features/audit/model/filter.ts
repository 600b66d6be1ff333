import { ACTOR_KINDS, RESOURCE_TYPES } from '@pennon/server/audit-vocabulary';
import { localInputToIso } from '../../../lib/dates.js';

/** The audit log's filters as the API takes them (`GET /audit-log` query). */
export interface AuditFilter {
  resource_type?: (typeof RESOURCE_TYPES)[number];
  resource_id?: string;
  project_id?: string;
  environment_id?: string;
  actor_kind?: (typeof ACTOR_KINDS)[number];
  actor_id?: string;
  from?: string;
  to?: string;
}

const one = <T extends string>(allowed: readonly T[], value: string | null): T | undefined =>
  value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
const text = (value: string | null) => (value ? value : undefined);

/**
 * The filter a page address holds (`?resource_type=feature&from=2030-01-31T09:00`), keeping
 * only what the API accepts: a hand-edited address never turns into a 400. `from`/`to` are
 * local date-time input values, sent as instants.
 */
export function filterFromSearch(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {
    resource_type: one(RESOURCE_TYPES, params.get('resource_type')),
    resource_id: text(params.get('resource_id')),
    environment_id: text(params.get('environment_id')),
    actor_kind: one(ACTOR_KINDS, params.get('actor_kind')),
    actor_id: text(params.get('actor_id')),
    from: localInputToIso(params.get('from') ?? ''),
    to: localInputToIso(params.get('to') ?? ''),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as AuditFilter;
}

/** A record's actor filter value `kind:id`, as the actor select offers it. */
export function actorOption(kind: string, id: string): string {
  return `${kind}:${id}`;
}
