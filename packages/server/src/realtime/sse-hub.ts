import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PennonError, unavailable } from '../errors.js';
import { affects, type ChangeBus, type ConfigChange } from './change-bus.js';

export interface SseMessage {
  event?: string;
  data: string;
  id?: string;
}

/** What a stream sends next: a message, nothing, or `'end'` to close it (e.g. its key was revoked). */
export type SseNext = SseMessage | 'end' | undefined;

export interface SseStreamOptions {
  environmentId: string;
  projectId: string;
  /** Connections are bounded per key, so one leaked key cannot exhaust the server. */
  key: string;
  /** Messages sent as soon as the stream opens. */
  initial?: SseMessage[];
  /** What to send for a change of this environment; undefined sends nothing. */
  onChange: (change: ConfigChange) => SseNext | Promise<SseNext>;
}

/** One open stream, for the route that opened it. */
export interface SseStream {
  /**
   * Queues work whose result is sent after everything queued before it, changes included,
   * so a stream never sends an older state after a newer one.
   */
  enqueue(next: () => SseNext | Promise<SseNext>): void;
}

export interface SseHubOptions {
  /** Comment lines at this interval keep proxies from closing idle streams. */
  heartbeatMs?: number;
  maxConnectionsPerKey?: number;
  maxConnections?: number;
  /** A client that stops reading is dropped once this much output waits for it. */
  maxBufferedBytes?: number;
  /** Advertised reconnection delay for EventSource clients. */
  retryMs?: number;
}

interface Stream {
  options: SseStreamOptions;
  raw: ServerResponse;
  /** Tail of this stream's sends; keeps them in order. */
  queue: Promise<void>;
}

const RETRY_AFTER_SECONDS = '30';

/**
 * The one server-sent-events hub every protocol's stream uses. Listens to the change bus once
 * and fans each change out to the streams of the affected environments; sends comment
 * heartbeats so proxies keep idle streams open; forgets a stream the moment its client goes,
 * drops clients that stop reading, and ends every stream when the server shuts down.
 */
export class SseHub {
  private readonly streams = new Set<Stream>();
  private readonly perKey = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly maxPerKey: number;
  private readonly maxTotal: number;
  private readonly maxBuffered: number;
  private readonly retryMs: number;
  private closed = false;

  constructor(bus: ChangeBus, options: SseHubOptions = {}) {
    this.maxPerKey = options.maxConnectionsPerKey ?? 1000;
    this.maxTotal = options.maxConnections ?? 20_000;
    this.maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
    this.retryMs = options.retryMs ?? 3000;
    this.unsubscribe = bus.subscribe((change) => this.broadcast(change));
    this.heartbeat = setInterval(() => this.writeAll(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.streams.size;
  }

  /**
   * Takes over the reply and keeps it open until the client disconnects or the hub closes.
   * Refuses (before taking over, so the protocol's error handler answers) when the server
   * is closing (503) or the key or the server has too many streams (429 `too_many_streams`).
   */
  open(request: FastifyRequest, reply: FastifyReply, options: SseStreamOptions): SseStream {
    if (this.closed) throw unavailable('The server is shutting down.');
    const count = this.perKey.get(options.key) ?? 0;
    if (count >= this.maxPerKey || this.streams.size >= this.maxTotal) {
      reply.header('retry-after', RETRY_AFTER_SECONDS);
      const limit =
        count >= this.maxPerKey ? `${this.maxPerKey} streams per key` : `${this.maxTotal} streams`;
      throw new PennonError('rate_limited', 'too_many_streams', `At most ${limit} may be open at once.`);
    }
    reply.hijack();
    const raw = reply.raw;
    // Events are small and must leave at once; dead peers must be noticed without traffic.
    // (Injected test requests have a socket without these.)
    const socket = request.raw.socket as Partial<Socket> | undefined;
    socket?.setNoDelay?.(true);
    socket?.setKeepAlive?.(true, 30_000);
    raw.writeHead(200, {
      // Headers set by hooks so far (CORS above all) still apply to the hijacked reply.
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      // An ended stream's connection is not worth keeping: closing it lets shutdown finish.
      connection: 'close',
    });
    const stream: Stream = { options, raw, queue: Promise.resolve() };
    this.streams.add(stream);
    this.perKey.set(options.key, count + 1);
    // `res` emits close when the response ends or the connection goes, whichever comes first.
    raw.on('close', () => this.forget(stream));
    raw.on('error', () => this.forget(stream));
    let opening = `retry: ${this.retryMs}\n\n`;
    for (const message of options.initial ?? []) opening += format(message);
    this.write(stream, opening);
    return { enqueue: (next) => this.enqueue(stream, next) };
  }

  /** Ends every stream and refuses new ones; called on shutdown so graceful close is not held up. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const stream of [...this.streams]) {
      this.forget(stream);
      stream.raw.end();
    }
  }

  private broadcast(change: ConfigChange): void {
    for (const stream of this.streams) {
      const { environmentId, projectId, onChange } = stream.options;
      if (affects(change, environmentId, projectId)) this.enqueue(stream, () => onChange(change));
    }
  }

  private enqueue(stream: Stream, next: () => SseNext | Promise<SseNext>): void {
    stream.queue = stream.queue
      .then(async () => {
        if (!this.streams.has(stream)) return;
        const message = await next();
        if (!this.streams.has(stream) || message === undefined) return;
        if (message === 'end') {
          this.forget(stream);
          stream.raw.end();
        } else {
          this.write(stream, format(message));
        }
      })
      // A failed send skips one message; the next change or the client's reconnect catches up.
      .catch(() => {});
  }

  private write(stream: Stream, text: string): void {
    const { raw } = stream;
    if (raw.destroyed || raw.writableEnded) {
      this.forget(stream);
      return;
    }
    // A client that does not read would otherwise make the server buffer without bound.
    if (raw.writableLength > this.maxBuffered) {
      this.forget(stream);
      raw.destroy();
      return;
    }
    raw.write(text);
  }

  private writeAll(text: string): void {
    for (const stream of [...this.streams]) this.write(stream, text);
  }

  private forget(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    const key = stream.options.key;
    const left = (this.perKey.get(key) ?? 1) - 1;
    if (left <= 0) this.perKey.delete(key);
    else this.perKey.set(key, left);
  }
}

/** One SSE message; multi-line data becomes several `data:` lines, as the format requires. */
export function format(message: SseMessage): string {
  let text = '';
  if (message.id !== undefined) text += `id: ${oneLine(message.id)}\n`;
  if (message.event !== undefined) text += `event: ${oneLine(message.event)}\n`;
  for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A line break in an id or event name would end the field early and forge another one. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
