import http from 'node:http';
import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../http/error-handler.js';
import { SseReader, sleep, until } from '../testing/sse-client.js';
import { type ConfigChange, InProcessChangeBus } from './change-bus.js';
import { format, SseHub, type SseHubOptions, type SseNext } from './sse-hub.js';

interface Harness {
  app: FastifyInstance;
  hub: SseHub;
  bus: InProcessChangeBus;
  url: string;
}

const harnesses: Harness[] = [];
const readers: SseReader[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  for (const { app, bus } of harnesses.splice(0)) {
    await app.close();
    await bus.close();
  }
});

/**
 * A bare Fastify app with one stream route: `/stream/:environmentId?key=` in project `p1`,
 * answering each change with `event: change` and the change as data, or with whatever
 * `onChange` says.
 */
async function harness(
  options: SseHubOptions = {},
  onChange?: (change: ConfigChange) => SseNext | Promise<SseNext>,
): Promise<Harness> {
  const bus = new InProcessChangeBus();
  const hub = new SseHub(bus, options);
  const app = Fastify({ logger: false });
  registerErrorHandler(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    // A header byte above 0x7f, which heads carry as latin1.
    if ((request.query as { place?: string }).place) reply.header('x-place', 'caf\u00e9');
  });
  app.get<{
    Params: { environmentId: string };
    Querystring: { key?: string; topic?: string; repeats?: string };
  }>('/stream/:environmentId', async (request, reply) => {
    hub.open(request, reply, {
      environmentId: request.params.environmentId,
      projectId: 'p1',
      key: request.query.key ?? 'k',
      topic: request.query.topic,
      skipRepeats: request.query.repeats === 'skip',
      initial: [{ event: 'hello', data: 'welcome' }],
      onChange: onChange ?? ((change) => ({ event: 'change', data: JSON.stringify(change) })),
    });
    return reply;
  });
  app.addHook('preClose', async () => hub.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const h = { app, hub, bus, url };
  harnesses.push(h);
  return h;
}

async function open(url: string): Promise<SseReader> {
  const reader = await SseReader.open(url);
  readers.push(reader);
  return reader;
}

const at = '2025-01-01T00:00:00.000Z';

describe('SseHub over real HTTP', () => {
  it('opens an event stream, sends the initial messages, then the changes of its environment only', async () => {
    const { url, bus, hub } = await harness();
    const reader = await open(`${url}/stream/e1`);
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(reader.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(reader.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await reader.next()).toEqual({ event: 'hello', data: 'welcome' });
    expect(reader.raw).toMatch(/^retry: 3000\n\n/);
    expect(hub.connectionCount).toBe(1);

    await bus.publish({ projectId: 'p1', environmentId: 'other', at });
    await bus.publish({ projectId: 'p2', at });
    await bus.publish({ projectId: 'p1', environmentId: 'e1', at });
    await bus.publish({ projectId: 'p1', at });
    await bus.publish({ projectId: '*', all: true, at });
    await until(() => reader.events.length === 4);
    await sleep(50);
    expect(reader.events.slice(1).map((e) => JSON.parse(e.data))).toEqual([
      { projectId: 'p1', environmentId: 'e1', at },
      { projectId: 'p1', at },
      { projectId: '*', all: true, at },
    ]);
  });

  it('runs a change once per topic and writes the same message to every stream of it', async () => {
    let runs = 0;
    const { url, bus } = await harness({}, (change) => {
      runs++;
      return { event: 'change', data: change.at };
    });
    const shared = await Promise.all([1, 2, 3].map(() => open(`${url}/stream/e1?topic=t`)));
    const alone = await open(`${url}/stream/e1`);
    for (const reader of [...shared, alone]) await reader.next();
    await bus.publish({ projectId: 'p1', environmentId: 'e1', at: 't1' });
    for (const reader of [...shared, alone]) expect((await reader.next()).data).toBe('t1');
    // Once for the three streams of topic t, once for the stream of its own.
    expect(runs).toBe(2);
  });

  it('skips a message identical to the last one a stream sent, when asked to', async () => {
    const { url, bus } = await harness({}, () => ({ event: 'state', data: 'same' }));
    const skipping = await open(`${url}/stream/e1?repeats=skip`);
    const repeating = await open(`${url}/stream/e1`);
    for (const n of [1, 2]) await bus.publish({ projectId: 'p1', at: `t${n}` });
    await until(() => repeating.events.length === 3);
    await sleep(50);
    expect(skipping.events.map((e) => e.data)).toEqual(['welcome', 'same']);
  });

  it('sends heartbeats while idle', async () => {
    const { url } = await harness({ heartbeatMs: 30 });
    const reader = await open(`${url}/stream/e1`);
    await until(() => (reader.raw.match(/: heartbeat\n\n/g) ?? []).length >= 2, 'two heartbeats');
  });

  it('keeps each stream in change order even when answers take different times', async () => {
    let delay = 60;
    const { url, bus } = await harness({}, async (change) => {
      const wait = delay;
      delay -= 20;
      await sleep(wait);
      return { event: 'change', data: change.at };
    });
    const reader = await open(`${url}/stream/e1`);
    await reader.next();
    for (const n of [1, 2, 3]) await bus.publish({ projectId: 'p1', at: `t${n}` });
    await until(() => reader.events.length === 4);
    expect(reader.events.slice(1).map((e) => e.data)).toEqual(['t1', 't2', 't3']);
  });

  it('ends a stream whose answer to a change is "end", and forgets it', async () => {
    const { url, bus, hub } = await harness({}, () => 'end');
    const reader = await open(`${url}/stream/e1`);
    await reader.next();
    await bus.publish({ projectId: 'p1', at });
    await until(() => reader.ended, 'the stream to end');
    expect(hub.connectionCount).toBe(0);
  });

  it('refuses streams beyond the per-key bound with 429 before taking over the reply', async () => {
    const { url, hub } = await harness({ maxConnectionsPerKey: 2 });
    const first = await open(`${url}/stream/e1?key=a`);
    await open(`${url}/stream/e2?key=a`);
    const refused = await fetch(`${url}/stream/e1?key=a`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({
      error: { code: 'too_many_streams', message: 'At most 2 streams per key may be open at once.' },
    });
    const otherKey = await open(`${url}/stream/e1?key=b`);
    expect(otherKey.response.status).toBe(200);

    first.close();
    await until(() => hub.connectionCount === 2, 'the closed stream to be forgotten');
    const again = await open(`${url}/stream/e1?key=a`);
    expect(again.response.status).toBe(200);
  });

  it('refuses streams beyond the total bound', async () => {
    const { url } = await harness({ maxConnections: 1 });
    await open(`${url}/stream/e1?key=a`);
    const refused = await fetch(`${url}/stream/e1?key=b`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
  });

  it('forgets streams whose clients vanish without a word', async () => {
    const { url, hub, bus } = await harness({ maxConnectionsPerKey: 30 });
    const sockets = await Promise.all(Array.from({ length: 25 }, () => rawStream(`${url}/stream/e1?key=a`)));
    expect(hub.connectionCount).toBe(25);
    for (const socket of sockets) socket.destroy();
    await until(() => hub.connectionCount === 0, 'every vanished stream to be forgotten');
    // Broadcasting to nobody is fine, and the per-key count went back to zero too.
    await bus.publish({ projectId: 'p1', at });
    const again = await Promise.all(Array.from({ length: 30 }, () => rawStream(`${url}/stream/e1?key=a`)));
    expect(hub.connectionCount).toBe(30);
    for (const socket of again) socket.destroy();
    await until(() => hub.connectionCount === 0);
  });

  it('drops a client that stops reading once too much waits for it, while the others get every change', async () => {
    const big = 'x'.repeat(512 * 1024);
    const { url, bus, hub } = await harness({ maxBufferedBytes: 64 * 1024 }, (change) => ({
      id: change.at,
      data: big,
    }));
    const socket = await rawStream(`${url}/stream/e1`);
    socket.pause();
    const reading = await open(`${url}/stream/e1`);
    await reading.next();
    // Each change is read whole by the reading client before the next: only the stalled one lags.
    let published = 0;
    while (published < 200 && hub.connectionCount > 1) {
      await bus.publish({ projectId: 'p1', at: `t${++published}` });
      await until(
        () => reading.events.length === published + 1,
        `the reading client to get change ${published}`,
      );
    }
    expect(hub.connectionCount).toBe(1);
    expect(reading.events.slice(1).map((e) => e.id)).toEqual(
      Array.from({ length: published }, (_, n) => `t${n + 1}`),
    );
    socket.destroy();
  });

  it('ends every stream on graceful shutdown, so close does not wait for clients', async () => {
    const { app, url, hub } = await harness();
    const readersOpen = await Promise.all([open(`${url}/stream/e1`), open(`${url}/stream/e2`)]);
    await Promise.all(readersOpen.map((r) => r.next()));
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await until(() => readersOpen.every((r) => r.ended), 'every stream to end');
    expect(hub.connectionCount).toBe(0);
    expect(() => hub.open({} as never, {} as never, {} as never)).toThrow(/shutting down/);
  });
});

describe('SseHub: the head and early leavers', () => {
  it('writes a header byte above 0x7f as one byte, as Node writes heads', async () => {
    const { url } = await harness();
    const { port } = new URL(url);
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('GET /stream/e1?place=1 HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => {
        chunks.push(chunk);
        if (Buffer.concat(chunks).includes('welcome')) {
          socket.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      socket.on('error', reject);
    });
    const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n'));
    expect(head.includes(Buffer.from('x-place: caf\u00e9', 'latin1'))).toBe(true);
    expect(head.includes(Buffer.from('caf\u00e9', 'utf8'))).toBe(false);
  });

  it('lets go at once of a stream whose peer left before it was opened', async () => {
    const bus = new InProcessChangeBus();
    const hub = new SseHub(bus);
    const app = Fastify({ logger: false });
    let counted: number | undefined;
    app.get('/late', async (request, reply) => {
      // The key lookup, say, took long enough for the client to give up.
      await new Promise<void>((resolve) => {
        if (request.raw.socket.destroyed) resolve();
        else request.raw.socket.once('close', () => resolve());
      });
      hub.open(request, reply, {
        environmentId: 'e1',
        projectId: 'p1',
        key: 'k',
        onChange: () => ({ data: 'x' }),
      });
      counted = hub.connectionCount;
      return reply;
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    harnesses.push({ app, hub, bus, url });
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => {
      socket.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n');
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('error', () => {});
    await until(() => counted !== undefined, 'the stream to be opened after its peer left');
    expect(counted).toBe(0);
  });
});

describe('format', () => {
  it('splits multi-line data and keeps ids and event names on one line', () => {
    expect(format({ event: 'a\nb', id: '1\r2', data: 'x\ny\r\nz' })).toBe(
      'id: 1 2\nevent: a b\ndata: x\ndata: y\ndata: z\n\n',
    );
    expect(format({ data: '' })).toBe('data: \n\n');
  });
});

/** A stream opened with a bare socket, so the test can vanish without closing anything politely. */
function rawStream(url: string): Promise<http.ClientRequest['socket'] & {}> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
      else resolve(response.socket);
    });
    request.on('error', () => {});
  });
}
