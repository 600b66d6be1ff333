/**
 * A change to configuration that affects evaluation. `environmentId` absent means every
 * environment of the project (features and segments are project-level).
 */
export interface ConfigChange {
  projectId: string;
  environmentId?: string;
  /** ISO time of the change, as stored in `environments.updated_at`. */
  at: string;
  /**
   * Anything anywhere may have changed (`projectId` is then `*`): a bus that lost its
   * connection and may have missed changes says so after reconnecting. Every consumer MUST
   * treat it as a change of every project and environment.
   */
  all?: true;
}

export type ChangeListener = (change: ConfigChange) => void;

/**
 * Carries configuration changes to everything that caches or streams them: snapshot caches
 * and SSE hubs. Implementations: in-process (one server) and PostgreSQL LISTEN/NOTIFY
 * (several servers sharing one database). Each listener hears each change once; a change
 * is heard by this process's listeners before `publish` resolves (read-your-writes).
 */
export interface ChangeBus {
  publish(change: ConfigChange): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void;
  /** Stops delivering; listeners hear nothing afterwards. */
  close(): Promise<void>;
}

/** The change that tells consumers to forget everything they cached or derived. */
export function everythingChanged(at: string = new Date().toISOString()): ConfigChange {
  return { projectId: '*', at, all: true };
}

/**
 * Whether a change concerns one environment; the one rule every consumer applies.
 * `projectId` undefined means "not known yet", which a project-level change may concern.
 */
export function affects(change: ConfigChange, environmentId: string, projectId: string | undefined): boolean {
  if (change.all) return true;
  if (change.environmentId) return change.environmentId === environmentId;
  return projectId === undefined || change.projectId === projectId;
}

/** The listeners of one bus, shared by every implementation so they deliver alike. */
export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    // A wrapper per subscription: subscribing the same function twice gives two subscriptions.
    const entry: ChangeListener = (change) => listener(change);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  clear(): void {
    this.listeners.clear();
  }

  /** A listener that throws must not stop the others from hearing of the change. */
  deliver(change: ConfigChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // Listeners own their failures; the bus only carries news.
      }
    }
  }
}

/** Delivers changes to listeners of this process only: the bus of a single SQLite server. */
export class InProcessChangeBus implements ChangeBus {
  private readonly listeners = new ChangeListeners();
  private closed = false;

  async publish(change: ConfigChange): Promise<void> {
    if (!this.closed) this.listeners.deliver(change);
  }

  subscribe(listener: ChangeListener): () => void {
    if (this.closed) return () => {};
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}
