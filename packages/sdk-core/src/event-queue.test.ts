import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

/** A server that accepts connections and never answers: the worst a network can do. */
function hungServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('EventQueue.close', () => {
  let server: Awaited<ReturnType<typeof hungServer>>;
  beforeAll(async () => {
    server = await hungServer();
  });
  afterAll(() => server?.close());

  it('keeps its deadline when the server hangs on a request already in flight, and reports the loss', async () => {
    const errors: unknown[] = [];
    const queue = new EventQueue({
      endpoint: { url: server.url, key: 'client-key' },
      maxBuffer: 100,
      batchSize: 1,
      flushIntervalMs: 10_000,
      retry: { initialMs: 100, maxMs: 1000 },
      requestTimeoutMs: 10_000,
      onError: (error) => errors.push(error),
    });
    queue.event({ unit_id: 'user-1', name: 'signup' });
    // The send starts before close, and the server never answers it.
    void queue.flush();
    const started = Date.now();
    await queue.close(300);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(queue.stats()).toMatchObject({ pending: 0, sent: 0, dropped: 1 });
    expect(String(errors.at(-1))).toContain('could not be sent before close');
  });
});
