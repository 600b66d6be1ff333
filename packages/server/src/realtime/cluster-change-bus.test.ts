import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { changeBusCases } from './change-bus.case.js';
import type { ConfigChange } from './change-bus.js';
import { ChangeRelay } from './change-relay.js';
import { ClusterChangeBus } from './cluster-change-bus.js';
import type { ClusterEndpoint } from './cluster-messages.js';

/**
 * The primary and its workers, in one process: each worker's pipe to the primary is a real
 * message channel (structured clone, asynchronous delivery, as cluster IPC), and the relay is
 * the one `pennon serve --workers N` runs in its primary.
 */
const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

function endpoint(port: MessagePort): ClusterEndpoint {
  ports.push(port);
  port.unref();
  return {
    send: (message, callback) => {
      port.postMessage(message);
      callback?.(null);
    },
    on: (event, listener) => port.on(event, listener),
    off: (event, listener) => port.off(event, listener),
  };
}

/** A worker's bus joined to `relay`; returns the bus and the primary's end of its pipe. */
function join(relay: ChangeRelay, ackTimeoutMs = 60_000) {
  const { port1, port2 } = new MessageChannel();
  const toWorker = endpoint(port1);
  relay.add(toWorker);
  return { bus: new ClusterChangeBus(endpoint(port2), { ackTimeoutMs }), toWorker, toPrimary: port2 };
}

describe('ClusterChangeBus', () => {
  // Each bus under test has a sibling worker, so every publish waits on a real acknowledgement.
  changeBusCases(async () => {
    const relay = new ChangeRelay();
    join(relay);
    return join(relay).bus;
  });
});

describe('ClusterChangeBus across workers', () => {
  const change = (projectId: string, environmentId?: string): ConfigChange => ({
    projectId,
    ...(environmentId ? { environmentId } : {}),
    at: '2025-01-01T00:00:00.000Z',
  });

  it('lets every worker hear a change published by any, once each, before publish resolves', async () => {
    const relay = new ChangeRelay();
    const workers = [join(relay), join(relay), join(relay)];
    const heard = workers.map(() => [] as ConfigChange[]);
    for (const [n, { bus }] of workers.entries()) bus.subscribe((c) => heard[n]?.push(c));

    await workers[0]?.bus.publish(change('p1', 'e1'));
    // Resolved only once the others delivered it: a read through any worker sees the write.
    expect(heard).toEqual([[change('p1', 'e1')], [change('p1', 'e1')], [change('p1', 'e1')]]);
    await workers[2]?.bus.publish(change('p2'));
    expect(heard.map((list) => list.map((c) => c.projectId))).toEqual([
      ['p1', 'p2'],
      ['p1', 'p2'],
      ['p1', 'p2'],
    ]);
    await Promise.all(workers.map(({ bus }) => bus.close()));
  });

  it('keeps each publisher’s order on the other workers when several publish at once', async () => {
    const relay = new ChangeRelay();
    const [a, b] = [join(relay), join(relay)];
    const heardByB: string[] = [];
    b?.bus.subscribe((c) => heardByB.push(c.projectId));
    await Promise.all(Array.from({ length: 30 }, (_, n) => a?.bus.publish(change(`p${n}`))));
    expect(heardByB).toEqual(Array.from({ length: 30 }, (_, n) => `p${n}`));
  });

  it('stops waiting for a worker that left, so a dead worker never holds up a change', async () => {
    const relay = new ChangeRelay();
    const [a, gone] = [join(relay), join(relay)];
    // The worker stops answering (it hangs or dies) ...
    await gone?.bus.close();
    const publishing = a?.bus.publish(change('p1'));
    // ... and its exit takes it out of the relay: the publish completes although it never said heard.
    if (gone) relay.remove(gone.toWorker);
    await expect(publishing).resolves.toBeUndefined();
  });

  it('returns from publish after its bound when another worker never answers', async () => {
    const relay = new ChangeRelay();
    const a = join(relay, 50);
    const silent = join(relay);
    await silent.bus.close();
    const heard: ConfigChange[] = [];
    a.bus.subscribe((c) => heard.push(c));
    await a.bus.publish(change('p1'));
    expect(heard).toEqual([change('p1')]);
  });

  it('ignores messages on the pipe that are not changes', async () => {
    const relay = new ChangeRelay();
    const [a, b] = [join(relay), join(relay)];
    const heardByB: ConfigChange[] = [];
    b?.bus.subscribe((c) => heardByB.push(c));
    for (const junk of [
      'text',
      null,
      { type: 'pennon:publish', seq: 1 },
      { type: 'pennon:publish', seq: -1, change: change('x') },
      { type: 'pennon:publish', seq: 2, change: { projectId: 7, at: 'x' } },
      { type: 'pennon:change', ref: 'one', change: change('x') },
      { type: 'NODE_CLUSTER', act: 'online' },
    ]) {
      a?.toPrimary.postMessage(junk);
      b?.toWorker.send(junk);
    }
    await a?.bus.publish({ ...change('real'), extra: 'dropped' } as ConfigChange);
    expect(heardByB).toEqual([change('real')]);
  });
});
