import net from 'node:net';
import type { Flag } from '@pennon/sdk-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlagCache } from './cache.js';
import { PennonClient } from './client.js';
import type { PennonClientOptions } from './options.js';
import { MemoryStorage } from './testing/memory-storage.js';

/**
 * The client's start-up without the server answering: bootstrap, the localStorage cache and the
 * ready timeout. The network is real: a loopback socket that accepts and never answers (a hung
 * server) or a closed port (a server that is down). What the client does once the server
 * answers is tested against a real server in e2e/js-sdk.test.ts.
 */

/** A storage that refuses everything, as in some private modes and sandboxed frames. */
class ForbiddenStorage extends MemoryStorage {
  override getItem(): string | null {
    throw new DOMException('denied', 'SecurityError');
  }
  override setItem(): void {
    throw new DOMException('full', 'QuotaExceededError');
  }
}

const flag = (key: string, value: unknown, extra: Partial<Flag> = {}): Flag => ({
  key,
  type: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string',
  enabled: true,
  value,
  reason: 'DEFAULT',
  variant: null,
  ...extra,
});

let hung: net.Server;
const hungSockets = new Set<net.Socket>();
let hungUrl: string;
let downUrl: string;
const clients: PennonClient[] = [];

beforeAll(async () => {
  hung = net.createServer((socket) => {
    hungSockets.add(socket);
    socket.on('close', () => hungSockets.delete(socket));
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
  // A port that was just free and is closed again: connections are refused.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  // The clients' pending fetches end with their connections.
  for (const socket of hungSockets) socket.destroy();
});

afterAll(async () => {
  await new Promise<void>((resolve) => hung.close(() => resolve()));
});

/**
 * A client that never streams or polls during a test, closed after it. Exposures are off: these
 * tests are about values, and closing would wait on sending them to the hung server.
 */
const client = (options: Partial<PennonClientOptions>): PennonClient => {
  const created = new PennonClient({
    clientKey: 'pk_test',
    url: hungUrl,
    stream: false,
    pollIntervalMs: 3_600_000,
    storage: null,
    events: { exposures: false },
    ...options,
  });
  clients.push(created);
  return created;
};

describe('FlagCache', () => {
  it('keeps each user’s flags apart, per client key, and survives a new cache over the same storage', () => {
    const storage = new MemoryStorage();
    new FlagCache(storage, 'pk_a').write('ada', {
      flags: { banner: flag('banner', 'ada') },
      updatedAt: 't1',
    });
    new FlagCache(storage, 'pk_a').write(undefined, {
      flags: { banner: flag('banner', 'anon') },
      updatedAt: 't2',
    });
    const again = new FlagCache(storage, 'pk_a');
    expect(again.read('ada')).toEqual({ flags: { banner: flag('banner', 'ada') }, updatedAt: 't1' });
    expect(again.read(undefined)?.flags.banner?.value).toBe('anon');
    expect(again.read('bea')).toBeUndefined();
    expect(new FlagCache(storage, 'pk_b').read('ada')).toBeUndefined();
  });

  it('treats corrupt entries, forbidden storage and no storage as no cache, without throwing', () => {
    const storage = new MemoryStorage();
    storage.setItem('pennon:pk_a:ada', '{not json');
    storage.setItem('pennon:pk_a:bea', JSON.stringify({ flags: null, updatedAt: 't' }));
    const cache = new FlagCache(storage, 'pk_a');
    expect(cache.read('ada')).toBeUndefined();
    expect(cache.read('bea')).toBeUndefined();
    const forbidden = new FlagCache(new ForbiddenStorage(), 'pk_a');
    expect(() => forbidden.write('ada', { flags: {}, updatedAt: 't' })).not.toThrow();
    expect(forbidden.read('ada')).toBeUndefined();
    const none = new FlagCache(undefined, 'pk_a');
    none.write('ada', { flags: {}, updatedAt: 't' });
    expect(none.read('ada')).toBeUndefined();
  });
});

describe('PennonClient start-up', () => {
  it('bootstrap: values readable before start, ready at once although the server hangs, and preferred to the cache', async () => {
    const storage = new MemoryStorage();
    new FlagCache(storage, 'pk_test').write('ada', {
      flags: { banner: flag('banner', 'cached') },
      updatedAt: 't',
    });
    const pennon = client({
      storage,
      readyTimeoutMs: 10_000,
      bootstrap: {
        flags: { banner: flag('banner', 'rendered'), dark_mode: flag('dark_mode', true) },
        user: { identifier: 'ada' },
      },
    });
    // The constructor does no I/O, and the first read already matches the server's rendering.
    expect(pennon.source).toBe('bootstrap');
    expect(pennon.getString('banner', 'x')).toBe('rendered');
    expect(pennon.getUser()).toEqual({ identifier: 'ada' });
    const began = performance.now();
    expect(await pennon.ready).toBe('bootstrap');
    expect(performance.now() - began).toBeLessThan(100);
    expect(pennon.isEnabled('dark_mode')).toBe(true);
  });

  it('cache: a returning visitor starts at once with the last values while the server hangs', async () => {
    const storage = new MemoryStorage();
    new FlagCache(storage, 'pk_test').write('ada', {
      flags: { banner: flag('banner', 'last visit') },
      updatedAt: '2026-03-09T14:31:07.000Z',
    });
    const pennon = client({ storage, user: { identifier: 'ada' }, readyTimeoutMs: 10_000 });
    const began = performance.now();
    expect(await pennon.ready).toBe('cache');
    expect(performance.now() - began).toBeLessThan(100);
    expect(pennon.getString('banner', 'x')).toBe('last visit');
    // Another visitor on the same device has nothing cached: defaults.
    const stranger = client({ storage, user: { identifier: 'bea' }, readyTimeoutMs: 50 });
    expect(await stranger.ready).toBe('defaults');
    expect(stranger.getString('banner', 'x')).toBe('x');
  });

  it('ready timeout: resolves with defaults after readyTimeoutMs when the server never answers, and not before', async () => {
    const pennon = client({ user: { identifier: 'ada' }, readyTimeoutMs: 300 });
    const began = performance.now();
    const source = await pennon.ready;
    const waited = performance.now() - began;
    expect(source).toBe('defaults');
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2000);
    expect(pennon.getBoolean('dark_mode', true)).toBe(true);
    expect(pennon.resolve('banner', 'string', 'x')).toMatchObject({
      value: 'x',
      errorCode: 'FLAG_NOT_FOUND',
    });
    // The same promise on every read of `ready`: start-up happens once.
    expect(pennon.ready).toBe(pennon.ready);
  });

  it('a server that is down: ready resolves before the timeout and the failure is reported, not swallowed', async () => {
    const errors: unknown[] = [];
    const stale: unknown[] = [];
    const pennon = client({ url: downUrl, user: { identifier: 'ada' }, readyTimeoutMs: 10_000 });
    pennon.on('error', ({ error }) => errors.push(error));
    pennon.on('stale', ({ error }) => stale.push(error));
    const began = performance.now();
    expect(await pennon.ready).toBe('defaults');
    expect(performance.now() - began).toBeLessThan(5000);
    expect(errors.length).toBeGreaterThan(0);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toBe(errors[0]);
  });

  it('identify switches to the new user’s cached values at once, with one change, before their fetch ends', async () => {
    const storage = new MemoryStorage();
    new FlagCache(storage, 'pk_test').write('bea', {
      flags: { banner: flag('banner', 'bea') },
      updatedAt: 't',
    });
    const pennon = client({ storage, user: { identifier: 'ada' }, readyTimeoutMs: 50 });
    await pennon.ready;
    const changes: string[] = [];
    pennon.on('change', ({ source }) => changes.push(source));
    const version = pennon.version;
    // The server hangs: identify's fetch is still pending while we read.
    void pennon.identify({ identifier: 'bea', traits: { plan: 'pro' } });
    expect(pennon.getUser()).toEqual({ identifier: 'bea', traits: { plan: 'pro' } });
    expect(pennon.getString('banner', 'x')).toBe('bea');
    expect(pennon.source).toBe('cache');
    expect(changes).toEqual(['cache']);
    expect(pennon.version).toBe(version + 1);
    // Signing out: the anonymous visitor has nothing cached, so defaults, and another change.
    void pennon.identify(undefined);
    expect(pennon.getString('banner', 'x')).toBe('x');
    expect(changes).toEqual(['cache', 'defaults']);
  });

  it('track and setTraits without a user report the mistake instead of failing silently', () => {
    const errors: unknown[] = [];
    const pennon = client({ onError: (error) => errors.push(error) });
    pennon.track('purchase', 1);
    void pennon.setTraits({ plan: 'pro' });
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'track("purchase") needs an identified user: call identify first.',
      'setTraits needs an identified user: call identify first.',
    ]);
  });
});
