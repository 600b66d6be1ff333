import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import type { EnvironmentKey } from '../auth/environment-keys.js';
import { replayBody } from '../http/body-replay.js';
import { corsAnswerHeaders, VARY } from '../http/cors.js';
import { fixedHeaders } from '../http/fixed-headers.js';
import { BODY_LIMIT_BYTES } from '../http/http-app.js';
import { plainQuery, type QueryFields } from '../http/plain-query.js';
import { type JsonTextParser, jsonTextParser } from '../http/request-text.js';
import { TurnWrites } from '../http/turn-writes.js';
import { JSON_CONTENT_TYPE, type SdkAnswer } from './sdk-answer.js';
import type { SdkGuard, SdkRouteKey } from './sdk-guard.js';

/** One SDK route as the fast lane serves it: the common success case of a Fastify route. */
export interface FastLaneRoute<Body = unknown, Query = unknown> {
  method: 'GET' | 'POST';
  /**
   * The Fastify route's exact path, prefix included; any other spelling goes to Fastify, and so
   * does a query unless the route declares `query`.
   */
  path: string;
  /** The very object the Fastify route's `sdkGuard.hook` was built from. */
  key: SdkRouteKey;
  /** The Fastify route's body schema (POST), compiled by the app's own validator compiler. */
  body?: TSchema;
  /**
   * The Fastify route's querystring schema, for routes whose clients send a query (Statsig's
   * `?k=<key>`): compiled by the app's validator compiler, for queries of plain characters
   * (`plainQuery`); any other goes to Fastify. The key may then come from the URL as the
   * route's `key.fromUrl` reads it.
   */
  query?: TSchema;
  /**
   * For routes whose clients do not send plain JSON: the content types (lower case) the lane
   * reads, and the route's own content-type parser, which makes the body's value of the bytes
   * read (a throw, its refusal, leaves the request to Fastify, which refuses it the same way).
   */
  decode?: {
    types: ReadonlySet<string>;
    value(bytes: Buffer, request: IncomingMessage, query: Query): unknown;
  };
  /**
   * The route's answer, from the same functions its Fastify handler calls; undefined (or a
   * throw) leaves the request to Fastify, which answers it in full, refusals included.
   */
  answer(key: EnvironmentKey, body: Body, request: IncomingMessage, query: Query): SdkAnswer | undefined;
}

interface Lane {
  route: FastLaneRoute;
  validate?: (body: unknown) => boolean;
  validateQuery?: (query: unknown) => boolean;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A thin lane in front of Fastify for the hottest SDK routes. Fastify's own work on a request
 * (routing, hook runners, request and reply objects, content-type matching) costs about what
 * Node's whole HTTP handling does, and more than evaluating 50 flags. The lane answers only the
 * common success case, after the same checks in the same order (peer address limit, key, key
 * kind, per-key limit, body size and type, JSON depth, prototype keys and unstorable text, the
 * route's body schema, the route's own checks), through the same functions, with the same
 * status, headers and bytes. Anything else — OPTIONS, an unknown key, a bad body, a body sent
 * in chunks, an identity that needs storage — goes to Fastify, body included, so every refusal
 * is written once, in the Fastify routes.
 *
 * @example
 * const lane = new SdkFastLane(app, ctx.sdkGuard);
 * lane.add({ method: 'GET', path: '/api/v1/flags/', key: anyKey, answer: (key) => flagsAnswer(key) });
 * lane.install();
 */
export class SdkFastLane {
  /** By method, then exact URL: no string is built to find a lane. */
  private readonly lanes: Record<FastLaneRoute['method'], Map<string, Lane>> = {
    GET: new Map(),
    POST: new Map(),
  };
  private readonly parse: JsonTextParser;
  /** Answers go out together at the end of the event-loop turn (see `TurnWrites` for why). */
  private readonly writes = new TurnWrites();
  private readonly heads = new WeakMap<object, Readonly<Record<string, string>>>();
  private fastify?: Listener;
  private open = true;
  /** Requests the lane answered itself; the rest went to Fastify. For tests and operators. */
  answered = 0;

  constructor(
    private readonly app: FastifyInstance,
    private readonly guard: SdkGuard,
  ) {
    this.parse = jsonTextParser(app);
  }

  add<Body, Query>(route: FastLaneRoute<Body, Query>): void {
    const compile = this.app.validatorCompiler;
    if ((route.body || route.query) && !compile)
      throw new Error('The fast lane validates with the app validator compiler: set it first.');
    const compiled = (schema: TSchema | undefined, httpPart: 'body' | 'querystring') =>
      schema && compile
        ? (compile({ schema, method: route.method, url: route.path, httpPart }) as (
            value: unknown,
          ) => boolean)
        : undefined;
    this.lanes[route.method].set(route.path, {
      route: route as FastLaneRoute,
      validate: compiled(route.body, 'body'),
      validateQuery: compiled(route.query, 'querystring'),
    });
  }

  /**
   * Puts the lane in front of Fastify's request listener. Not when requests are logged one by
   * one (debug and trace), since those lines come from Fastify.
   */
  install(): void {
    const level = this.app.log.level;
    if (level === 'debug' || level === 'trace') return;
    const server = this.app.server;
    const [fastify] = server.listeners('request') as Listener[];
    if (!fastify) return;
    this.fastify = fastify;
    server.removeListener('request', fastify);
    server.on('request', (request, response) => this.serve(request, response));
    // Once closing, Fastify answers 503 with `Connection: close`: leave every request to it.
    this.app.addHook('preClose', (done) => {
      this.open = false;
      done();
    });
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method;
    const lanes = this.open && (method === 'GET' || method === 'POST') ? this.lanes[method] : undefined;
    const url = request.url as string;
    const mark = lanes === undefined ? -1 : url.indexOf('?');
    let lane = lanes?.get(mark === -1 ? url : url.slice(0, mark));
    let query: QueryFields | undefined;
    if (lane?.validateQuery) {
      query = plainQuery(url, mark === -1 ? url.length : mark + 1);
      if (query === undefined || !lane.validateQuery(query)) lane = undefined;
    } else if (mark !== -1) {
      lane = undefined; // a query the route does not declare: Fastify's to answer
    }
    const key = lane && this.guard.admitNow(request, lane.route.key, query);
    if (!lane || !key) {
      (this.fastify as Listener)(request, response);
      return;
    }
    const admitted: Admitted = { lane, key, query };
    const validate = lane.validate;
    if (!validate) {
      this.answer(admitted, undefined, request, response);
      return;
    }
    if (!declaredBody(request, lane.route.decode?.types)) {
      this.toFastify(admitted, request, response);
      return;
    }
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onEnd = (error?: Error) => {
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
      request.removeListener('error', onEnd);
      if (error) {
        // A peer gone mid-body has no one to answer; otherwise Fastify words the refusal.
        if (!request.destroyed) this.toFastify(admitted, request, response, chunks);
        return;
      }
      this.withBody(admitted, validate, chunks, request, response);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onEnd);
  }

  private withBody(
    admitted: Admitted,
    validate: (body: unknown) => boolean,
    chunks: Buffer[],
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const decode = admitted.lane.route.decode;
    let body: unknown;
    let parsed = false;
    if (decode) {
      try {
        body = decode.value(bytes, request, admitted.query);
        parsed = true;
      } catch {
        parsed = false;
      }
    } else {
      this.parse(bytes.toString('utf8'), (error, value) => {
        parsed = error === null;
        body = value;
      });
    }
    if (!parsed || !validate(body)) {
      this.toFastify(admitted, request, response, chunks);
      return;
    }
    this.answer(admitted, body, request, response, chunks);
  }

  private answer(
    admitted: Admitted,
    body: unknown,
    request: IncomingMessage,
    response: ServerResponse,
    chunks?: Buffer[],
  ): void {
    let answer: SdkAnswer | undefined;
    try {
      answer = admitted.lane.route.answer(admitted.key, body, request, admitted.query);
    } catch {
      answer = undefined;
    }
    if (!answer) {
      this.toFastify(admitted, request, response, chunks);
      return;
    }
    const text = answer.body;
    const origin = request.headers.origin;
    // One copy of a kept head: copying an object of one shape is much cheaper than merging several.
    const headers =
      origin === undefined ? { ...this.head(answer.headers) } : this.makeHead(answer.headers, origin);
    if (answer.etag !== undefined) headers.etag = answer.etag;
    // Text is written as text, as Fastify writes it: Node encodes it once, head included, into
    // the socket write, where a Buffer of it would be one more allocation outside the heap.
    headers['content-length'] = String(typeof text === 'string' ? Buffer.byteLength(text) : text.length);
    this.writes.add(response, 200, headers, text);
    this.answered++;
  }

  /**
   * The head of answers with these headers and no `Origin`, kept per headers object (one per
   * snapshot, or shared by all, see `SdkAnswer.headers`).
   */
  private head(own: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    let head = this.heads.get(own);
    if (head === undefined) {
      // Not frozen: V8 copies plain objects of one shape fastest. Never written to.
      head = this.makeHead(own, undefined);
      this.heads.set(own, head);
    }
    return head;
  }

  /** In the order Fastify's hooks and handler set them: fixed headers, CORS, the answer's own. */
  private makeHead(
    own: Readonly<Record<string, string>>,
    origin: string | undefined,
  ): Record<string, string> {
    return {
      ...fixedHeaders(this.app),
      vary: VARY,
      ...corsAnswerHeaders(origin),
      ...own,
      'content-type': JSON_CONTENT_TYPE,
    };
  }

  /**
   * Fastify answers a request the lane admitted: without charging its limits again, and with
   * the body the lane already read, when it read one.
   */
  private toFastify(
    { lane, key, query }: Admitted,
    request: IncomingMessage,
    response: ServerResponse,
    chunks?: Buffer[],
  ): void {
    this.guard.admittedEarlier(request, lane.route.key, key, query);
    // A copy: chunks may be views over the socket's read buffer, which later reads reuse.
    if (chunks) replayBody(request, Buffer.concat(chunks));
    (this.fastify as Listener)(request, response);
  }
}

/** A request the lane took: its lane, the key the guard admitted, the query it parsed. */
interface Admitted {
  lane: Lane;
  key: EnvironmentKey;
  query: QueryFields | undefined;
}

/**
 * A body of a declared length within the limit, of a type the route reads (JSON unless it says
 * otherwise): what SDK clients send. Chunked or empty bodies, other types and oversized ones go
 * to Fastify, which refuses or reads them.
 */
function declaredBody(request: IncomingMessage, types: ReadonlySet<string> | undefined): boolean {
  const type = request.headers['content-type'];
  if (types !== undefined) {
    if (type === undefined || !types.has(type.toLowerCase())) return false;
  } else if (type !== 'application/json' && type?.toLowerCase() !== JSON_CONTENT_TYPE) return false;
  if (request.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(request.headers['content-length']);
  return length > 0 && length <= BODY_LIMIT_BYTES;
}
