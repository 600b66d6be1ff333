import { type ClusterEndpoint, readClusterMessage } from './cluster-messages.js';

interface Forwarded {
  from: ClusterEndpoint;
  seq: number;
  /** The workers that have not said `heard` yet. */
  waiting: Set<ClusterEndpoint>;
}

/**
 * The primary's half of the workers' change bus (see `ClusterChangeBus`): forwards each change
 * a worker publishes to every other worker, in the order it was published, and tells the
 * publisher once all of them heard it. A worker that leaves (exits, is restarted) stops being
 * waited for, so one dead worker never holds up the others' changes.
 *
 * @example
 * const relay = new ChangeRelay();
 * cluster.on('fork', (worker) => relay.add(worker));
 * cluster.on('exit', (worker) => relay.remove(worker));
 */
export class ChangeRelay {
  private readonly members = new Map<ClusterEndpoint, (message: unknown) => void>();
  private readonly forwarded = new Map<number, Forwarded>();
  private ref = 0;

  add(member: ClusterEndpoint): void {
    if (this.members.has(member)) return;
    const listener = (message: unknown) => this.receive(member, message);
    this.members.set(member, listener);
    member.on('message', listener);
  }

  remove(member: ClusterEndpoint): void {
    const listener = this.members.get(member);
    if (!listener) return;
    this.members.delete(member);
    member.off('message', listener);
    for (const [ref, entry] of this.forwarded) {
      if (entry.from === member) this.forwarded.delete(ref);
      else this.heard(ref, member);
    }
  }

  private receive(member: ClusterEndpoint, value: unknown): void {
    const message = readClusterMessage(value);
    if (message?.type === 'pennon:publish') {
      const ref = ++this.ref;
      const others = [...this.members.keys()].filter((other) => other !== member);
      this.forwarded.set(ref, { from: member, seq: message.seq, waiting: new Set(others) });
      for (const other of others) send(other, { type: 'pennon:change', ref, change: message.change });
      this.settle(ref);
    } else if (message?.type === 'pennon:heard') {
      this.heard(message.ref, member);
    }
  }

  private heard(ref: number, member: ClusterEndpoint): void {
    this.forwarded.get(ref)?.waiting.delete(member);
    this.settle(ref);
  }

  private settle(ref: number): void {
    const entry = this.forwarded.get(ref);
    if (!entry || entry.waiting.size > 0) return;
    this.forwarded.delete(ref);
    send(entry.from, { type: 'pennon:published', seq: entry.seq });
  }
}

/** A worker that is exiting cannot be written to; its `exit` removes it soon after. */
function send(member: ClusterEndpoint, message: unknown): void {
  member.send(message, () => {});
}
