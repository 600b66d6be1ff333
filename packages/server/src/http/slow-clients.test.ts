import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

/**
 * Attacks that need real sockets: on 127.0.0.1 only, a bounded number of connections, each
 * test bounded in time. The server allows 1 s to receive a request and 20 connections per
 * peer address.
 */
describe('slow and numerous clients (real sockets on loopback)', () => {
  let database: TestDatabase;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database, { requestTimeoutSeconds: 1, maxConnectionsPerAddress: 20 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
    await database.dispose();
  });

  /** A raw connection that records what it receives and when it closes. */
  const connect = () =>
    new Promise<{ socket: net.Socket; received: () => string; closed: Promise<number> }>(
      (resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        let data = '';
        const opened = Date.now();
        socket.setEncoding('utf8').on('data', (chunk) => (data += chunk));
        const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
        socket.on('error', () => {});
        socket.once('connect', () => resolve({ socket, received: () => data, closed }));
        socket.once('error', reject);
      },
    );
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), ms))]);

  it('closes a connection that sends full headers and then trickles its body', async () => {
    const { socket, closed, received } = await connect();
    const key = t.environments[0]?.clientKey;
    socket.write(
      `POST /api/sdk/v1/flags HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      const after = await within(closed, 4000);
      expect(after).not.toBe('timeout');
      expect(after as number).toBeLessThan(3000);
      expect(received()).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it('answers a keyless or unknown-key request as soon as its headers are in, without its body', async () => {
    for (const auth of ['', 'Authorization: Bearer not-a-key\r\n']) {
      const { socket, received } = await connect();
      socket.write(
        `POST /api/sdk/v1/flags HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\n` +
          'Content-Length: 100000\r\n\r\n',
      );
      const answered = new Promise<void>((done) => socket.on('data', () => done()));
      try {
        expect(await within(answered, 800)).not.toBe('timeout');
        expect(received()).toMatch(/^HTTP\/1\.1 401/);
      } finally {
        socket.destroy();
      }
    }
  });

  it('closes connections beyond the bound per peer address at once', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, connect));
    const extra = await Promise.all(Array.from({ length: 3 }, connect));
    try {
      for (const connection of extra) expect(await within(connection.closed, 1000)).not.toBe('timeout');
      // The connections within the bound still get answers.
      const first = held[0];
      if (!first) throw new Error('no connection');
      first.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await within(new Promise((done) => first.socket.once('data', done)), 1000);
      expect(first.received()).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      for (const connection of [...held, ...extra]) connection.socket.destroy();
    }
  });
});
