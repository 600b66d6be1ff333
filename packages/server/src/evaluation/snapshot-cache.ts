import type { Kysely } from 'kysely';
import { affects, type ChangeBus, type ConfigChange } from '../realtime/change-bus.js';
import type { Tables } from '../storage/tables.js';
import { loadEnvironment } from './environment-loader.js';
import type { SnapshotSource } from './evaluation.service.js';
import { buildSnapshot, type EnvironmentSnapshot } from './snapshot.js';

interface Entry {
  projectId?: string;
  /** Bumped by every invalidation; a build started before the bump is not cached. */
  generation: number;
  snapshot?: Promise<EnvironmentSnapshot | undefined>;
  /** What `snapshot` resolved to, once it has and while it is current. */
  built?: EnvironmentSnapshot;
}

/**
 * One compiled snapshot per environment, built on first use and rebuilt after the change bus
 * says its environment (or project) changed. Concurrent requests share one build.
 */
export class SnapshotCache implements SnapshotSource {
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Kysely<Tables>,
    bus: ChangeBus,
  ) {
    this.unsubscribe = bus.subscribe((change) => this.invalidate(change));
  }

  ready(environmentId: string): EnvironmentSnapshot | undefined {
    return this.entries.get(environmentId)?.built;
  }

  /** The current snapshot, or undefined when the environment does not exist. */
  get(environmentId: string): Promise<EnvironmentSnapshot | undefined> {
    let entry = this.entries.get(environmentId);
    if (!entry) {
      entry = { generation: 0 };
      this.entries.set(environmentId, entry);
    }
    if (entry.snapshot) return entry.snapshot;
    const generation = entry.generation;
    const building = loadEnvironment(this.db, environmentId).then((loaded) =>
      loaded ? buildSnapshot(loaded) : undefined,
    );
    entry.snapshot = building;
    building.then(
      (snapshot) => {
        const current = this.entries.get(environmentId);
        if (!current) return;
        if (snapshot) current.projectId = snapshot.projectId;
        // A change landed while building: this result may predate it, so build again next time.
        if (current.generation !== generation || !snapshot) current.snapshot = undefined;
        else if (current.snapshot === building) current.built = snapshot;
      },
      () => {
        const current = this.entries.get(environmentId);
        if (current?.snapshot === building) current.snapshot = undefined;
      },
    );
    return building;
  }

  invalidate(change: ConfigChange): void {
    for (const [environmentId, entry] of this.entries) {
      if (affects(change, environmentId, entry.projectId)) {
        entry.generation++;
        entry.snapshot = undefined;
        entry.built = undefined;
      }
    }
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}
