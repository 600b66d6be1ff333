import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

const replays = new WeakMap<IncomingMessage, Buffer>();

/**
 * Hands a request whose body something before Fastify already read (the SDK fast lane, which
 * then left the request to Fastify) to Fastify with that body: Fastify reads the copy kept
 * here instead of the spent stream, so it parses, validates and refuses as for any request.
 *
 * @example
 * replayBody(request, Buffer.concat(chunks)); // then pass the request on to Fastify
 */
export function replayBody(request: IncomingMessage, body: Buffer): void {
  replays.set(request, body);
}

/** Reads replayed bodies in place of the request stream; registered before any route. */
export function registerBodyReplay(app: FastifyInstance): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const body = replays.get(request.raw);
    done(null, body === undefined ? payload : Readable.from([body], { objectMode: false }));
  });
}
