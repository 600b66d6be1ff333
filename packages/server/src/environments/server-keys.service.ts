import { recordAudit } from '../audit/audit.record.js';
import { notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { newServerKey } from '../shared/keys.js';
import type { PageRequest } from '../storage/paging.js';
import type { EnvironmentRow, ServerKeyRow } from '../storage/tables.js';
import type { ServerKeysRepository } from './server-keys.repository.js';
import type { CreateServerKey, ServerKey } from './server-keys.schema.js';

/**
 * Secret keys of one environment. The key is shown whole only when created; creation and
 * deletion publish a change because key caches (auth/environment-keys.ts) listen to the bus.
 */
export class ServerKeysService {
  constructor(
    private readonly keys: ServerKeysRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  /** Throws `environment_not_found` for environments of other organisations too. */
  async list(
    organisationId: string,
    environmentId: string,
    page: PageRequest,
  ): Promise<PageResult<ServerKey>> {
    const environment = await requireEnvironment(this.keys, organisationId, environmentId);
    const rows = await this.keys.list(environment.id, page);
    return {
      items: rows.items.map((row) => toServerKey(row, maskKey(row.key))),
      next_cursor: rows.next_cursor,
    };
  }

  async create(organisationId: string, environmentId: string, input: CreateServerKey): Promise<ServerKey> {
    const key = newServerKey();
    const { row, change } = await this.keys.transaction(async (keys, trx) => {
      const environment = await requireEnvironment(keys, organisationId, environmentId);
      const row: ServerKeyRow = {
        id: newId(),
        environment_id: environment.id,
        key,
        name: input.name,
        created_at: new Date().toISOString(),
      };
      await keys.insert(row);
      await recordAudit(trx, {
        ...auditScope(organisationId, environment),
        resource_id: row.id,
        action: 'create',
        after: toServerKey(row, maskKey(row.key)),
      });
      return {
        row,
        change: await this.changes.touch(trx, {
          projectId: environment.project_id,
          environmentId: environment.id,
        }),
      };
    });
    await this.changes.publish(change);
    return toServerKey(row, row.key);
  }

  /** The key stops working as soon as key caches hear of the change. */
  async delete(organisationId: string, environmentId: string, keyId: string): Promise<void> {
    const change = await this.keys.transaction(async (keys, trx) => {
      const environment = await requireEnvironment(keys, organisationId, environmentId);
      const current = await keys.find(environment.id, keyId);
      if (!current) throw notFound('server_key', keyId);
      await keys.delete(keyId);
      await recordAudit(trx, {
        ...auditScope(organisationId, environment),
        resource_id: current.id,
        action: 'delete',
        before: toServerKey(current, maskKey(current.key)),
      });
      return this.changes.touch(trx, { projectId: environment.project_id, environmentId: environment.id });
    });
    await this.changes.publish(change);
  }
}

/** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
function requireEnvironment(
  keys: ServerKeysRepository,
  organisationId: string,
  ref: string,
): Promise<EnvironmentRow> {
  return keys.findEnvironment(organisationId, ref);
}

function auditScope(organisationId: string, environment: EnvironmentRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'server_key' as const,
    project_id: environment.project_id,
    environment_id: environment.id,
  };
}

/** Enough to tell keys apart in a list, never enough to use one. */
export function maskKey(key: string): string {
  const visible = 4;
  return '*'.repeat(Math.max(0, key.length - visible)) + key.slice(-visible);
}

function toServerKey(row: ServerKeyRow, key: string): ServerKey {
  return { id: row.id, name: row.name, key, created_at: row.created_at };
}
