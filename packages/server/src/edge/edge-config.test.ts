import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { EDGE_DEFAULT_PORT, loadEdgeConfig } from './edge-config.js';

describe('pennon edge configuration', () => {
  it('reads its PENNON_* variables, with its own defaults for port and data directory', () => {
    const config = loadEdgeConfig({
      PENNON_UPSTREAM: 'http://pennon:8420/',
      PENNON_SERVER_KEYS: 'ser.a, ser.b,ser.a',
      // An edge has no database: the server's settings must not trouble it.
      PENNON_DATABASE_URL: 'mysql://not-for-the-edge',
      PENNON_SDK_RATE_LIMIT: '50',
    });
    expect(config).toMatchObject({
      upstream: 'http://pennon:8420',
      serverKeys: ['ser.a', 'ser.b'],
      identities: 'transient',
      port: EDGE_DEFAULT_PORT,
      dataDir: path.resolve('.pennon-edge'),
      sdkRateLimit: 50,
      pollIntervalSeconds: 30,
      startTimeoutSeconds: 10,
      maxBufferedEvents: 100_000,
      adminCorsOrigins: [],
    });
  });

  it('lets flags win over variables', () => {
    const config = loadEdgeConfig(
      {
        PENNON_UPSTREAM: 'http://a:1',
        PENNON_SERVER_KEYS: 'ser.a',
        PENNON_PORT: '9000',
        PENNON_EDGE_IDENTITIES: 'forward',
      },
      {
        upstream: 'https://b',
        serverKeys: ['ser.b'],
        port: 9100,
        identities: 'transient',
        maxBufferedEvents: 5,
      },
    );
    expect(config).toMatchObject({
      upstream: 'https://b',
      serverKeys: ['ser.b'],
      port: 9100,
      identities: 'transient',
      maxBufferedEvents: 5,
    });
    expect(
      loadEdgeConfig({ PENNON_UPSTREAM: 'http://a:1', PENNON_SERVER_KEYS: 'ser.a', PENNON_PORT: '9000' })
        .port,
    ).toBe(9000);
  });

  it.each([
    [{}, '--upstream http://host:8420'],
    [{ PENNON_UPSTREAM: 'pennon:8420' }, 'absolute http(s) URL'],
    [{ PENNON_UPSTREAM: 'http://a' }, 'PENNON_SERVER_KEYS'],
    [{ PENNON_UPSTREAM: 'http://a', PENNON_SERVER_KEYS: 'pat_admin' }, 'takes server keys'],
    [
      { PENNON_UPSTREAM: 'http://a', PENNON_SERVER_KEYS: 'ser.a', PENNON_EDGE_IDENTITIES: 'store' },
      'transient, forward',
    ],
    [
      { PENNON_UPSTREAM: 'http://a', PENNON_SERVER_KEYS: 'ser.a', PENNON_EDGE_EVENT_BUFFER: '-1' },
      'PENNON_EDGE_EVENT_BUFFER',
    ],
  ])('refuses %j, saying what to give', (env, message) => {
    expect(() => loadEdgeConfig(env)).toThrow(ConfigError);
    expect(() => loadEdgeConfig(env)).toThrow(message);
  });
});
