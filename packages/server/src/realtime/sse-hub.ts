import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PennonError, unavailable } from '../errors.js';
import { affects, type ChangeBus, type ConfigChange } from './change-bus.js';
import { streamHead, streamHeaders } from './sse-head.js';

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
  /**
   * Streams of one topic get the same messages: `onChange` runs once per change for all of
   * them (the first stream's), and its one serialized message is written to each. Absent: a
   * topic of its own. Environment streams use protocol + key, so 10,000 browsers on one
   * client key cost one evaluation and one serialization per change, not 10,000.
   */
  topic?: string;
  /** Messages sent as soon as the stream opens. */
  initial?: SseMessage[];
  /**
   * Skip a message identical to the last one this stream sent (same id, or same data when it
   * has no id): for streams that announce states, where saying the same state twice is noise.
   */
  skipRepeats?: boolean;
  /** With `skipRepeats`: the id the client already has (EventSource's `Last-Event-ID`). */
  lastSeenId?: string;
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
  key: string;
  /** Where the head and messages are written: the socket itself, else (injected) the response. */
  out: Pick<Socket, 'write' | 'end' | 'writableLength' | 'destroyed' | 'writableEnded' | 'destroy'>;
  topic: Topic;
  skipRepeats: boolean;
  /** What identifies the last message sent (its id, else its data), for `skipRepeats`. */
  last?: string;
}

/** The streams that get the same messages, and the one queue that keeps them in order. */
interface Topic {
  name: string;
  environmentId: string;
  projectId: string;
  onChange: SseStreamOptions['onChange'];
  streams: Set<Stream>;
  /** Tail of this topic's sends, changes and openings alike. */
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
  private readonly topics = new Map<string, Topic>();
  private anonymousTopics = 0;
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
    // One timer for every stream: a timer per stream would cost memory and wake-ups per client.
    this.heartbeat = setInterval(() => this.writeAll(HEARTBEAT), options.heartbeatMs ?? 15_000);
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
    let opening = `retry: ${this.retryMs}\n\n`;
    for (const message of options.initial ?? []) opening += format(message);
    // Headers set by hooks so far (CORS above all) still apply to the hijacked reply.
    const hookHeaders = reply.getHeaders();
    const socket = request.raw.socket;
    let out: Stream['out'];
    if (socket instanceof Socket) {
      // Events are small and must leave at once; dead peers must be noticed without traffic.
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      // The head and the opening messages in one write, straight to the socket, as every
      // message after them: the response object never writes (nor keeps) anything.
      // The head as latin1, as Node writes heads (a header byte above 0x7f stays one byte);
      // the messages as UTF-8.
      socket.write(Buffer.concat([Buffer.from(streamHead(hookHeaders), 'latin1'), Buffer.from(opening)]));
      out = socket;
    } else {
      // Injected test requests have no real socket; they read what the response writes.
      raw.writeHead(200, streamHeaders(hookHeaders));
      raw.write(opening);
      out = raw as unknown as Stream['out'];
    }
    const topic = this.topicFor(options);
    const stream: Stream = {
      key: options.key,
      out,
      topic,
      skipRepeats: options.skipRepeats === true,
      last: options.lastSeenId,
    };
    this.streams.add(stream);
    topic.streams.add(stream);
    this.perKey.set(options.key, count + 1);
    // `res` emits close when the connection goes (or, injected, when the response ends).
    const forget = () => this.forget(stream);
    raw.on('close', forget);
    raw.on('error', forget);
    // A peer gone before the listeners were attached (while the key was looked up, say) sends
    // no close any more: let go of its slot now, not at the next heartbeat.
    if (out.destroyed) forget();
    return { enqueue: (next) => this.enqueue(stream, next) };
  }

  /** Ends every stream and refuses new ones; called on shutdown so graceful close is not held up. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const stream of [...this.streams]) this.end(stream);
  }

  private topicFor(options: SseStreamOptions): Topic {
    const name = options.topic ?? `\u0000${++this.anonymousTopics}`;
    let topic = this.topics.get(name);
    if (!topic) {
      const { environmentId, projectId, onChange } = options;
      topic = { name, environmentId, projectId, onChange, streams: new Set(), queue: Promise.resolve() };
      this.topics.set(name, topic);
    }
    return topic;
  }

  /** Per change: one `onChange` per affected topic, one serialization, then only writes. */
  private broadcast(change: ConfigChange): void {
    for (const topic of this.topics.values()) {
      if (affects(change, topic.environmentId, topic.projectId)) {
        this.send(topic, () => topic.onChange(change), topic.streams);
      }
    }
  }

  /** Work whose message goes to one stream only (its opening state), in its topic's order. */
  private enqueue(stream: Stream, next: () => SseNext | Promise<SseNext>): void {
    this.send(stream.topic, next, [stream]);
  }

  private send(topic: Topic, next: () => SseNext | Promise<SseNext>, to: Iterable<Stream>): void {
    topic.queue = topic.queue
      .then(async () => {
        if (topic.streams.size === 0) return;
        const message = await next();
        if (message === undefined) return;
        if (message === 'end') {
          for (const stream of [...to]) this.end(stream);
          return;
        }
        const seen = message.id ?? message.data;
        let bytes: Buffer | undefined;
        for (const stream of to) {
          if (!this.streams.has(stream)) continue;
          if (stream.skipRepeats) {
            if (stream.last === seen) continue;
            stream.last = seen;
          }
          bytes ??= Buffer.from(format(message));
          this.write(stream, bytes);
        }
      })
      // A failed send skips one message; the next change or the client's reconnect catches up.
      .catch(() => {});
  }

  /** Ends a stream: closing its connection is what ends an unframed body. */
  private end(stream: Stream): void {
    this.forget(stream);
    const { out } = stream;
    // Once the last bytes left, the connection goes, without waiting for the client to close.
    out.end(() => out.destroy());
  }

  private write(stream: Stream, text: string | Buffer): void {
    const { out } = stream;
    if (out.destroyed || out.writableEnded) {
      this.forget(stream);
      return;
    }
    // A client that does not read would otherwise make the server buffer without bound.
    if (out.writableLength > this.maxBuffered) {
      this.forget(stream);
      out.destroy();
      return;
    }
    out.write(text);
  }

  private writeAll(bytes: Buffer): void {
    // Deleting the entry being visited is safe in a Set's iteration; no copy of 10,000 streams.
    for (const stream of this.streams) this.write(stream, bytes);
  }

  private forget(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    const { topic, key } = stream;
    topic.streams.delete(stream);
    if (topic.streams.size === 0) this.topics.delete(topic.name);
    const left = (this.perKey.get(key) ?? 1) - 1;
    if (left <= 0) this.perKey.delete(key);
    else this.perKey.set(key, left);
  }
}

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

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
