import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { newId } from '../shared/ids.js';
import type { Tables } from '../storage/tables.js';

export interface SeededProject {
  organisationId: string;
  projectId: string;
  environmentId: string;
  featureId: string;
  segmentId: string;
  overrideId: string;
}

/**
 * Test support for scoping tests: a project with one environment, feature (with its state),
 * segment and override, written straight to storage. With no `organisationId`, the project
 * belongs to a new organisation, which no admin route of the test app can create.
 */
export async function seedProject(db: Kysely<Tables>, organisationId?: string): Promise<SeededProject> {
  const now = new Date().toISOString();
  const ids = {
    organisationId: organisationId ?? newId(),
    projectId: newId(),
    environmentId: newId(),
    featureId: newId(),
    segmentId: newId(),
    overrideId: newId(),
  };
  if (!organisationId) {
    await db
      .insertInto('organisations')
      .values({ id: ids.organisationId, name: 'Other', created_at: now })
      .execute();
  }
  await db
    .insertInto('projects')
    .values({
      id: ids.projectId,
      organisation_id: ids.organisationId,
      name: `Seeded ${ids.projectId}`,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('environments')
    .values({
      id: ids.environmentId,
      project_id: ids.projectId,
      key: 'seeded',
      name: 'Seeded',
      client_key: newId(),
      hide_disabled_flags: 0,
      hide_sensitive_data: 1,
      allow_client_traits: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('features')
    .values({
      id: ids.featureId,
      project_id: ids.projectId,
      key: 'seeded_flag',
      type: 'string',
      description: '',
      tags: '[]',
      server_key_only: 0,
      default_enabled: 0,
      default_value: null,
      number: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('feature_states')
    .values({
      id: newId(),
      environment_id: ids.environmentId,
      feature_id: ids.featureId,
      enabled: 0,
      value: null,
      variants: '[]',
      hash_key: newId(),
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('segments')
    .values({
      id: ids.segmentId,
      project_id: ids.projectId,
      name: 'seeded',
      description: '',
      hash_key: newId(),
      rules: '[]',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('segment_overrides')
    .values({
      id: ids.overrideId,
      environment_id: ids.environmentId,
      segment_id: ids.segmentId,
      feature_id: ids.featureId,
      priority: 0,
      enabled: 1,
      value: null,
      variants: '[]',
      hash_key: newId(),
      updated_at: now,
    })
    .execute();
  return ids;
}

/** Every row of the tables these route families write, to show a rejected request changed nothing. */
export async function snapshotTables(db: Kysely<Tables>): Promise<Record<string, unknown[]>> {
  const tables = [
    'projects',
    'environments',
    'features',
    'feature_states',
    'segments',
    'segment_overrides',
    'metrics',
    'experiments',
    'experiment_changes',
    'audit_log',
    'webhooks',
    'webhook_deliveries',
  ] as const;
  const snapshot: Record<string, unknown[]> = {};
  for (const table of tables)
    snapshot[table] = await db.selectFrom(table).selectAll().orderBy('id').execute();
  return snapshot;
}

/**
 * Every row that change requests and scheduled changes write, or change through others, in
 * a stable order: equal snapshots before and after a refused request show it changed nothing.
 */
export async function changeTablesSnapshot(db: Kysely<Tables>): Promise<string> {
  const tables = [
    'environments',
    'feature_states',
    'segment_overrides',
    'identity_overrides',
    'change_requests',
    'change_request_approvals',
    'scheduled_changes',
    // A refused request leaves no record either: records are written with the change only.
    'audit_log',
    'webhook_deliveries',
  ] as const;
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) {
    const list: unknown[] = await db.selectFrom(table).selectAll().execute();
    rows[table] = list.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return JSON.stringify(rows);
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type AdminCall = (method: Method, url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

/**
 * Calls the admin API as the test admin. A string payload is sent as it is, with a JSON
 * content type, so tests can send malformed JSON.
 */
export function adminClient(app: FastifyInstance, headers: Record<string, string>): AdminCall {
  return (method, url, payload) =>
    app.inject({
      method,
      url: `/api/admin/v1${url}`,
      headers: typeof payload === 'string' ? { ...headers, 'content-type': 'application/json' } : headers,
      ...(payload === undefined ? {} : { payload: payload as string | object }),
    });
}

/** Sends a request that should fail and reports how it failed and whether storage changed. */
export async function rejection(db: Kysely<Tables>, call: () => Promise<LightMyRequestResponse>) {
  const before = await snapshotTables(db);
  const response = await call();
  const changed = JSON.stringify(await snapshotTables(db)) !== JSON.stringify(before);
  return {
    status: response.statusCode,
    code: (response.json() as { error?: { code?: string } }).error?.code,
    changed,
  };
}
