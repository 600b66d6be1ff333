import type { Kysely } from 'kysely';
import { forbidden, unauthorized } from '../errors.js';
import type { ChangeBus } from '../realtime/change-bus.js';
import { ADMIN_TOKEN_PREFIX, SERVER_KEY_PREFIX } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';

export type KeyKind = 'client' | 'server';

export interface EnvironmentKey {
  environmentId: string;
  projectId: string;
  kind: KeyKind;
}

/**
 * What SDK routes need to resolve keys: the database's `EnvironmentKeys` in `pennon serve`,
 * the followed documents' keys in `pennon edge`.
 */
export interface KeyDirectory {
  /**
   * What memory already knows of a key, without waiting: its environment, null when no
   * environment has it, undefined when it must be looked up (call `lookup`).
   */
  known(key: string): EnvironmentKey | null | undefined;
  /** The environment of a key, or undefined when no environment has it. */
  lookup(key: string): Promise<EnvironmentKey | undefined>;
}

/** Unknown keys are remembered too, so a client spraying random keys cannot hammer the database. */
const MAX_CACHED_KEYS = 10_000;
const MAX_KEY_LENGTH = 200;

/**
 * Resolves client and server keys to their environment. Sits on every SDK request, so
 * answers come from memory; any configuration change (which includes key creation,
 * rotation and deletion) empties the cache, so a revoked key stops working at once.
 */
export class EnvironmentKeys implements KeyDirectory {
  private readonly cache = new Map<string, Promise<EnvironmentKey | null>>();
  /** The settled entries of `cache`, readable without awaiting; cleared with it. */
  private readonly settled = new Map<string, EnvironmentKey | null>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Kysely<Tables>,
    bus: ChangeBus,
  ) {
    this.unsubscribe = bus.subscribe(() => this.forget());
  }

  /**
   * What memory already knows of a key, without waiting: its environment, null when no
   * environment has it, undefined when it must be looked up (`lookup`; SdkGuard.hook does both).
   */
  known(key: string): EnvironmentKey | null | undefined {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
    return this.settled.get(key);
  }

  /** The environment of a key, or undefined when no environment has it. */
  async lookup(key: string): Promise<EnvironmentKey | undefined> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    let found = this.cache.get(key);
    if (!found) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.forget();
      const loading = this.load(key);
      found = loading;
      this.cache.set(key, loading);
      loading.then(
        // Only if the cache was not emptied meanwhile: a change may have revoked the key.
        (value) => {
          if (this.cache.get(key) === loading) this.settled.set(key, value);
        },
        // A failed lookup (database down) must not be remembered as "no such key".
        () => {
          if (this.cache.get(key) === loading) this.cache.delete(key);
        },
      );
    }
    return (await found) ?? undefined;
  }

  close(): void {
    this.unsubscribe();
    this.forget();
  }

  private forget(): void {
    this.cache.clear();
    this.settled.clear();
  }

  private async load(key: string): Promise<EnvironmentKey | null> {
    if (key.startsWith(SERVER_KEY_PREFIX)) {
      const row = await this.db
        .selectFrom('server_keys')
        .innerJoin('environments', 'environments.id', 'server_keys.environment_id')
        .select(['environments.id as environmentId', 'environments.project_id as projectId'])
        .where('server_keys.key', '=', key)
        .executeTakeFirst();
      return row ? { ...row, kind: 'server' } : null;
    }
    const row = await this.db
      .selectFrom('environments')
      .select(['id as environmentId', 'project_id as projectId'])
      .where('client_key', '=', key)
      .executeTakeFirst();
    return row ? { ...row, kind: 'client' } : null;
  }
}

/**
 * The answer for a key already looked up (`KeyDirectory.known` / `lookup`): the environment,
 * or 401 (missing/unknown) or 403 (a client key where a server key is required). Each message
 * says which kind of key arrived, which kind the route takes and `placement`: where the route
 * reads it (sdk-keys.ts `KEY_PLACEMENT`).
 */
export function checkEnvironmentKey(
  key: string | undefined,
  found: EnvironmentKey | null | undefined,
  needs: KeyKind | 'any',
  placement = 'as "Authorization: Bearer <key>"',
): EnvironmentKey {
  const wanted =
    needs === 'server'
      ? `a server key (ser.…) ${placement}`
      : `an environment key (its client key, or a server key ser.…) ${placement}`;
  if (!key) throw unauthorized(`No key arrived; this route takes ${wanted}.`);
  if (!found) {
    if (key.startsWith(ADMIN_TOKEN_PREFIX)) {
      throw unauthorized(
        `An admin token (${ADMIN_TOKEN_PREFIX}…) arrived; this SDK route takes ${wanted}. ` +
          'Admin tokens are for the admin API (/api/admin/v1).',
      );
    }
    const kind = key.startsWith(SERVER_KEY_PREFIX) ? `server key (${SERVER_KEY_PREFIX}…)` : 'environment key';
    throw unauthorized(
      `The ${kind} is not valid: no environment has it (deleted or rotated?). Send ${wanted}.`,
    );
  }
  if (needs === 'server' && found.kind !== 'server') {
    throw forbidden(
      `A client key arrived; this route returns every rule of the environment and takes ${wanted}. ` +
        'Create one under /api/admin/v1/environments/<environment>/server-keys.',
    );
  }
  return found;
}
