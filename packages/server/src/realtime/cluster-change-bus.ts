import { type ChangeBus, type ChangeListener, ChangeListeners, type ConfigChange } from './change-bus.js';
import { type ClusterEndpoint, readClusterMessage } from './cluster-messages.js';

export interface ClusterChangeBusOptions {
  /** How long `publish` waits for the other workers to have heard a change. */
  ackTimeoutMs?: number;
}

/**
 * The change bus of one worker of `pennon serve --workers N` on SQLite, where no database
 * carries notifications: a change published here is delivered to this worker's listeners at
 * once, then sent to the primary, which forwards it to every other worker (`ChangeRelay`).
 * `publish` resolves once every other worker has delivered it too (bounded by
 * `ackTimeoutMs`), so a client that changed something through one worker and reads through
 * another — the port spreads its connections over all of them — reads what it wrote.
 *
 * @example
 * // in a cluster worker
 * const bus = new ClusterChangeBus(process as ClusterEndpoint);
 * bus.subscribe((change) => cache.invalidate(change));
 */
export class ClusterChangeBus implements ChangeBus {
  private readonly listeners = new ChangeListeners();
  private readonly pending = new Map<number, () => void>();
  private readonly onMessage = (value: unknown) => this.receive(value);
  private sequence = 0;
  private closed = false;

  constructor(
    private readonly primary: ClusterEndpoint,
    private readonly options: ClusterChangeBusOptions = {},
  ) {
    primary.on('message', this.onMessage);
  }

  async publish(change: ConfigChange): Promise<void> {
    if (!this.closed) this.listeners.deliver(change);
    const seq = ++this.sequence;
    // Sent even after close: the other workers must hear of a change that was committed.
    const heard = this.closed ? undefined : this.acknowledged(seq);
    this.primary.send({ type: 'pennon:publish', seq, change }, (error) => {
      // The primary is gone (the whole server is going down): nobody is left to tell.
      if (error) this.pending.get(seq)?.();
    });
    await heard;
  }

  subscribe(listener: ChangeListener): () => void {
    if (this.closed) return () => {};
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.primary.off('message', this.onMessage);
    this.listeners.clear();
    for (const resolve of [...this.pending.values()]) resolve();
  }

  private acknowledged(seq: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.ackTimeoutMs ?? 2_000);
      const pending = this.pending;
      function done() {
        clearTimeout(timer);
        pending.delete(seq);
        resolve();
      }
      pending.set(seq, done);
    });
  }

  private receive(value: unknown): void {
    const message = readClusterMessage(value);
    if (!message || this.closed) return;
    if (message.type === 'pennon:change') {
      this.listeners.deliver(message.change);
      this.primary.send({ type: 'pennon:heard', ref: message.ref }, ignore);
    } else if (message.type === 'pennon:published') {
      this.pending.get(message.seq)?.();
    }
  }
}

/** A primary that is gone needs no answer. */
function ignore(): void {}
