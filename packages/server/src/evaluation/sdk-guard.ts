import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  checkEnvironmentKey,
  type EnvironmentKey,
  type KeyDirectory,
  type KeyKind,
} from '../auth/environment-keys.js';
import { forbidden, unauthorized } from '../errors.js';
import { enforceRateLimit, RateLimiter, type RateLimitOptions } from '../http/rate-limit.js';
import { environmentKeyOf } from './sdk-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `SdkGuard.hook` before the body is read. */
    sdk?: { key: EnvironmentKey; presented: string };
  }
}

export interface SdkGuardOptions {
  /** Per presented key, across every SDK route; false: no limit. */
  perKey: RateLimitOptions | false;
  /** Per peer address, checked before the key, so spraying invented keys is limited too. */
  perAddress: RateLimitOptions | false;
  /** Bytes of events and exposures one key may send for storage. */
  eventBytes: RateLimitOptions | false;
}

export interface SdkRouteKey {
  needs: KeyKind | 'any';
  /** Where the route reads its key, for the 401 message (sdk-keys.ts `KEY_PLACEMENT`). */
  placement: string;
  /** The key from headers; default `environmentKeyOf`. */
  fromHeaders?: (request: { headers: IncomingHttpHeaders }) => string | undefined;
  /**
   * The key from the URL (path or query), for clients that cannot send headers. URLs end up
   * in logs and browser histories, so a server key arriving there is refused (403).
   */
  fromUrl?: (request: UrlParts) => string | undefined;
}

/** What a key in the URL is read from: the parsed path parameters and query. */
export type UrlParts = Pick<FastifyRequest, 'params' | 'query'>;

/**
 * The front door of every SDK route, run as an `onRequest` hook: before the body is read, it
 * limits the peer address, resolves the key (401 / 403) and limits the key. A request with no
 * key or an unknown one is refused as soon as its headers are in, so it cannot hold a
 * connection open by trickling a body, and an over-limit client costs one map lookup.
 *
 * @example
 * app.post('/flags', { onRequest: ctx.sdkGuard.hook({ needs: 'any', placement }) }, (request) =>
 *   evaluate(sdkKey(request)));
 */
export class SdkGuard {
  private readonly perKey?: RateLimiter;
  private readonly perAddress?: RateLimiter;
  private readonly eventBytes?: RateLimiter;
  /** Requests the fast lane admitted and then left to Fastify: their limits are already charged. */
  private readonly admitted = new WeakMap<
    IncomingMessage,
    { key: EnvironmentKey; presented: string; route: SdkRouteKey }
  >();

  constructor(
    private readonly keys: KeyDirectory,
    options: SdkGuardOptions,
  ) {
    if (options.perKey) this.perKey = new RateLimiter(options.perKey);
    if (options.perAddress) this.perAddress = new RateLimiter(options.perAddress);
    if (options.eventBytes) this.eventBytes = new RateLimiter(options.eventBytes);
  }

  /**
   * A `preHandler` for routes that store what they receive (events, exposures): charges the
   * body's bytes to the key, so one key cannot fill the disk however fast it may send.
   */
  readonly chargeEventBytes = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const length = Number(request.headers['content-length']);
    const bytes = Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(request.body ?? null));
    enforceRateLimit(this.eventBytes, presentedKey(request), reply, 'event-bytes', bytes);
  };

  /**
   * The checks of `hook(route)` for the SDK fast lane, which answers before Fastify: the key when
   * every one passes at once (both limits are then charged); undefined, with nothing charged,
   * when any would refuse or the key must first be looked up. Fastify then runs `hook(route)`,
   * which gives the refusal, so each refusal is written once. A route that may take its key
   * from the URL is admitted only with the `query` the lane parsed (there are no path
   * parameters in the lane's exact paths), and a server key there only ever from a header.
   * A request admitted here and then left to Fastify must be passed to `admittedEarlier`.
   */
  admitNow(request: IncomingMessage, route: SdkRouteKey, query?: object): EnvironmentKey | undefined {
    if (route.fromUrl && query === undefined) return undefined;
    const { presented, headerKey } = keyPresented(route, request, query && { query, params: NO_PARAMS });
    const found = presented ? this.keys.known(presented) : undefined;
    if (!found) return undefined;
    let key: EnvironmentKey;
    try {
      key = admittedKey(route, presented, headerKey, found);
    } catch {
      return undefined;
    }
    const address = request.socket.remoteAddress ?? '';
    if ((this.perAddress?.wait(address) ?? 0) > 0 || (this.perKey?.wait(presented as string) ?? 0) > 0)
      return undefined;
    this.perAddress?.take(address);
    this.perKey?.take(presented as string);
    return key;
  }

  /**
   * Records that `admitNow` admitted this request with `key` before it went to Fastify, so
   * `hook(route)` admits it without charging its limits a second time. Only requests the lane
   * leaves to Fastify are recorded: most never are.
   */
  admittedEarlier(request: IncomingMessage, route: SdkRouteKey, key: EnvironmentKey, query?: object): void {
    const { presented } = keyPresented(route, request, query && { query, params: NO_PARAMS });
    this.admitted.set(request, { key, presented: presented as string, route });
  }

  hook(route: SdkRouteKey) {
    const admit = (
      request: FastifyRequest,
      reply: FastifyReply,
      presented: string | undefined,
      headerKey: string | undefined,
      found: EnvironmentKey | null | undefined,
    ) => {
      const key = admittedKey(route, presented, headerKey, found);
      enforceRateLimit(this.perKey, presented as string, reply);
      request.sdk = { key, presented: presented as string };
    };
    // Synchronous while the key is in memory (every request but a key's first after a change):
    // no promise per request. The checks and their order are the same either way.
    return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
      // Admitted by the fast lane, which then left the request to Fastify (a refusal of its
      // body, say): charging its limits again would count it twice.
      const early = this.admitted.get(request.raw);
      if (early !== undefined && early.route === route) {
        request.sdk = { key: early.key, presented: early.presented };
        done();
        return;
      }
      let presented: string | undefined;
      let headerKey: string | undefined;
      try {
        enforceRateLimit(this.perAddress, request.ip, reply, 'address');
        ({ presented, headerKey } = keyPresented(route, request, request));
        const found = presented ? this.keys.known(presented) : undefined;
        if (found !== undefined || !presented) {
          admit(request, reply, presented, headerKey, found);
          done();
          return;
        }
      } catch (error) {
        done(error as Error);
        return;
      }
      this.keys.lookup(presented).then(
        (found) => {
          try {
            admit(request, reply, presented, headerKey, found);
          } catch (error) {
            done(error as Error);
            return;
          }
          done();
        },
        (error: Error) => done(error),
      );
    };
  }
}

/**
 * The key a request presents to `route`: from its headers, else from its URL (`url`: the
 * parsed path parameters and query; none, no key from the URL). `headerKey` says which.
 */
function keyPresented(
  route: SdkRouteKey,
  request: { headers: IncomingHttpHeaders },
  url: UrlParts | undefined,
): { presented: string | undefined; headerKey: string | undefined } {
  const headerKey = text((route.fromHeaders ?? environmentKeyOf)(request));
  return { presented: headerKey || (url && text(route.fromUrl?.(url))), headerKey };
}

/**
 * The key's own checks, in the hook's order: a known key of a kind the route takes, and a
 * server key never from a URL. Throws the refusal.
 */
function admittedKey(
  route: SdkRouteKey,
  presented: string | undefined,
  headerKey: string | undefined,
  found: EnvironmentKey | null | undefined,
): EnvironmentKey {
  const key = checkEnvironmentKey(presented, found, route.needs, route.placement);
  if (!headerKey && key.kind === 'server') {
    throw forbidden(
      'Server keys are secret and must not travel in URLs (they end up in logs); send them in a ' +
        'header, or use the client key here.',
    );
  }
  return key;
}

/** The lane's exact paths have no path parameters. */
const NO_PARAMS = Object.freeze({});

/** A repeated query parameter arrives as an array: only a single string can be a key. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The key `SdkGuard.hook` resolved for this request. */
export function sdkKey(request: FastifyRequest): EnvironmentKey {
  if (!request.sdk) throw unauthorized('Send an environment key.');
  return request.sdk.key;
}

/** The key as the client presented it (streams re-check it on every change). */
export function presentedKey(request: FastifyRequest): string {
  if (!request.sdk) throw unauthorized('Send an environment key.');
  return request.sdk.presented;
}
