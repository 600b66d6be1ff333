import type { EnvironmentKey, KeyDirectory } from '../auth/environment-keys.js';
import type { SnapshotSource } from '../evaluation/evaluation.service.js';
import type { EnvironmentSnapshot } from '../evaluation/snapshot.js';
import type { ChangeBus } from '../realtime/change-bus.js';
import type { UpstreamEnvironment } from './upstream-environment.js';

/**
 * The environments an edge serves, seen as the server's narrow interfaces: a `SnapshotSource`
 * for evaluation and a `KeyDirectory` for the SDK routes' guard. The keys it accepts are the
 * configured server keys and each followed environment's current client key (a rotated client
 * key stops working as soon as the new document arrives). Every new snapshot is announced on
 * the edge's own change bus, which drives its SSE streams as the server's bus drives its own.
 */
export class EdgeEnvironments implements SnapshotSource, KeyDirectory {
  private readonly byEnvironment = new Map<string, EnvironmentSnapshot>();
  private readonly followers = new Map<string, UpstreamEnvironment>();
  /** serverKey → environment, learnt from the documents each key downloads. */
  private readonly serverKeys = new Map<string, EnvironmentKey>();
  private readonly clientKeys = new Map<string, EnvironmentKey>();

  constructor(private readonly bus: ChangeBus) {}

  /** Called by a follower for every snapshot it adopts. */
  update(serverKey: string, follower: UpstreamEnvironment, snapshot: EnvironmentSnapshot): void {
    const key = { environmentId: snapshot.environmentId, projectId: snapshot.projectId };
    this.serverKeys.set(serverKey, { ...key, kind: 'server' });
    this.followers.set(snapshot.environmentId, follower);
    // Two keys of one environment follow it twice: the newer state wins, never an older one.
    const held = this.byEnvironment.get(snapshot.environmentId);
    if (held && held.updatedAt >= snapshot.updatedAt) return;
    if (held && held.clientKey !== snapshot.clientKey) this.clientKeys.delete(held.clientKey);
    this.clientKeys.set(snapshot.clientKey, { ...key, kind: 'client' });
    this.byEnvironment.set(snapshot.environmentId, snapshot);
    void this.bus.publish({ ...key, at: snapshot.updatedAt });
  }

  /** The follower of an environment, which forwards its events and identities upstream. */
  follower(environmentId: string): UpstreamEnvironment | undefined {
    return this.followers.get(environmentId);
  }

  async get(environmentId: string): Promise<EnvironmentSnapshot | undefined> {
    return this.byEnvironment.get(environmentId);
  }

  ready(environmentId: string): EnvironmentSnapshot | undefined {
    return this.byEnvironment.get(environmentId);
  }

  /** Every key the edge accepts is in memory: an unknown key is unknown (null), never looked up. */
  known(key: string): EnvironmentKey | null {
    return this.serverKeys.get(key) ?? this.clientKeys.get(key) ?? null;
  }

  async lookup(key: string): Promise<EnvironmentKey | undefined> {
    return this.known(key) ?? undefined;
  }

  close(): void {}
}
