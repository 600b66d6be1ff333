import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnWrites } from './turn-writes.js';

interface Reply {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

/** One GET on loopback; a connection closed without an answer resolves with its error. */
function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent: false }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode, headers: incoming.headers, body }));
    });
    outgoing.on('error', (error) => resolve({ headers: {}, body: '', error: error.message }));
    outgoing.end();
  });
}

describe('TurnWrites: answers written together at the end of the event-loop turn', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    if (server?.listening) await new Promise((done) => server?.close(done));
    server = undefined;
  });

  async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
    server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  it('sends nothing while the turn runs, then the status, headers and body it was given', async () => {
    const writes = new TurnWrites();
    const sentDuringTheTurn: boolean[] = [];
    const port = await listen((_request, response) => {
      writes.add(response, 201, { 'content-type': 'text/plain', 'x-kept': 'yes' }, Buffer.from('made'));
      sentDuringTheTurn.push(response.headersSent);
    });

    const reply = await get(port, '/');

    expect(sentDuringTheTurn).toEqual([false]);
    expect(reply).toMatchObject({ status: 201, body: 'made', headers: { 'x-kept': 'yes' } });
    expect(reply.headers['content-type']).toBe('text/plain');
  });

  it('writes the answers of one turn in the order they were added', async () => {
    const writes = new TurnWrites();
    const held: ServerResponse[] = [];
    const finished: string[] = [];
    const port = await listen((request, response) => {
      response.on('finish', () => finished.push(request.url as string));
      held.push(response);
      // All three are added in one turn, whatever order they arrived in.
      if (held.length === 3) {
        held.sort((a, b) => String(a.req.url).localeCompare(String(b.req.url)));
        for (const answer of held) writes.add(answer, 200, {}, `answer to ${answer.req.url}`);
      }
    });

    const replies = await Promise.all(['/a', '/b', '/c'].map((path) => get(port, path)));

    expect(replies.map((reply) => reply.body)).toEqual(['answer to /a', 'answer to /b', 'answer to /c']);
    expect(finished).toEqual(['/a', '/b', '/c']);
  });

  it('closes the connection of an answer whose head Node refuses, and still sends the others', async () => {
    const writes = new TurnWrites();
    const held: ServerResponse[] = [];
    const port = await listen((_request, response) => {
      held.push(response);
      if (held.length < 2) return;
      const [first, second] = held;
      writes.add(first, 200, { 'x-broken': 'line\nbreak' }, 'never sent');
      writes.add(second, 200, {}, 'sent');
    });

    const replies = await Promise.all([get(port, '/'), get(port, '/')]);

    expect(replies.filter((reply) => reply.error !== undefined)).toHaveLength(1);
    expect(replies.filter((reply) => reply.body === 'sent')).toHaveLength(1);
    expect(replies.some((reply) => reply.body === 'never sent')).toBe(false);
  });

  it('leaves out an answer whose connection closed before the turn ended, and sends the others', async () => {
    const writes = new TurnWrites();
    const held: ServerResponse[] = [];
    const errors: Error[] = [];
    const port = await listen((_request, response) => {
      response.on('error', (error) => errors.push(error));
      held.push(response);
      if (held.length < 2) return;
      const [gone, staying] = held;
      writes.add(gone, 200, {}, 'too late');
      writes.add(staying, 200, {}, 'on time');
      gone.destroy();
    });

    const replies = await Promise.all([get(port, '/'), get(port, '/')]);

    expect(replies.filter((reply) => reply.error !== undefined)).toHaveLength(1);
    expect(replies.filter((reply) => reply.body === 'on time')).toHaveLength(1);
    expect(held[0].headersSent).toBe(false);
    expect(errors).toEqual([]);
  });
});
