import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadWorkers } from './config.js';

describe('configuration', () => {
  it('defaults to port 8420, all interfaces, SQLite in .pennon and info logs', () => {
    expect(loadConfig({})).toEqual({
      port: 8420,
      host: '0.0.0.0',
      dataDir: path.resolve('.pennon'),
      databaseUrl: undefined,
      adminToken: undefined,
      logLevel: 'info',
      sdkRateLimit: 1000,
      sdkAddressRateLimit: 5000,
      requestTimeoutSeconds: 30,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 1000,
      maxStreamsPerKey: 1000,
      maxStreams: 20_000,
      maxIdentitiesPerEnvironment: 1_000_000,
      maxTraitsPerEnvironment: 20_000_000,
      eventBytesPerSecond: 1024 * 1024,
      webhookLeaseSeconds: 60,
      publicUrl: undefined,
      adminCorsOrigins: [],
    });
  });

  it('reads every PENNON_* variable', () => {
    const config = loadConfig({
      PENNON_PORT: '9000',
      PENNON_HOST: '127.0.0.1',
      PENNON_DATA_DIR: '/tmp/pennon-data',
      PENNON_DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      PENNON_ADMIN_TOKEN: 'pat_0123456789abcdef0123456789abcdef',
      PENNON_LOG_LEVEL: 'debug',
      PENNON_SDK_RATE_LIMIT: '0',
      PENNON_SDK_ADDRESS_RATE_LIMIT: '0',
      PENNON_REQUEST_TIMEOUT: '10',
      PENNON_MAX_CONNECTIONS: '500',
      PENNON_MAX_CONNECTIONS_PER_ADDRESS: '50',
      PENNON_MAX_STREAMS_PER_KEY: '20',
      PENNON_MAX_STREAMS: '200',
      PENNON_MAX_IDENTITIES: '1000',
      PENNON_MAX_TRAITS: '5000',
      PENNON_EVENT_BYTES_PER_SECOND: '65536',
      PENNON_WEBHOOK_LEASE: '6',
      PENNON_PUBLIC_URL: 'https://flags.example.com/',
      PENNON_ADMIN_CORS_ORIGINS: 'https://console.example.com, https://admin.example.com',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/tmp/pennon-data',
      databaseUrl: 'postgres://root@127.0.0.1:5432/test',
      adminToken: 'pat_0123456789abcdef0123456789abcdef',
      logLevel: 'debug',
      sdkRateLimit: 0,
      sdkAddressRateLimit: 0,
      requestTimeoutSeconds: 10,
      maxConnections: 500,
      maxConnectionsPerAddress: 50,
      maxStreamsPerKey: 20,
      maxStreams: 200,
      maxIdentitiesPerEnvironment: 1000,
      maxTraitsPerEnvironment: 5000,
      eventBytesPerSecond: 65536,
      webhookLeaseSeconds: 6,
      publicUrl: 'https://flags.example.com',
      adminCorsOrigins: ['https://console.example.com', 'https://admin.example.com'],
    });
  });

  it('lets command-line flags win over the environment', () => {
    expect(loadConfig({ PENNON_PORT: '9000' }, { port: 9001 }).port).toBe(9001);
  });

  it.each([
    [{ PENNON_PORT: 'eighty' }, /PENNON_PORT/],
    [{ PENNON_PORT: '70000' }, /PENNON_PORT/],
    [{ PENNON_LOG_LEVEL: 'loud' }, /PENNON_LOG_LEVEL/],
    [{ PENNON_DATABASE_URL: 'mysql://x' }, /postgres/],
    [{ PENNON_ADMIN_TOKEN: 'short' }, /at least 32/],
    [{ PENNON_ADMIN_TOKEN: 'pat_0123456789abcdef0123456789a' }, /at least 32/],
    [{ PENNON_ADMIN_TOKEN: 'a'.repeat(64) }, /repeated/],
    [{ PENNON_REQUEST_TIMEOUT: '0' }, /PENNON_REQUEST_TIMEOUT/],
    [{ PENNON_MAX_CONNECTIONS_PER_ADDRESS: 'many' }, /PENNON_MAX_CONNECTIONS_PER_ADDRESS/],
    [{ PENNON_PUBLIC_URL: 'flags.example.com' }, /PENNON_PUBLIC_URL/],
    [{ PENNON_SDK_RATE_LIMIT: '-5' }, /PENNON_SDK_RATE_LIMIT/],
    [{ PENNON_WEBHOOK_LEASE: '1' }, /PENNON_WEBHOOK_LEASE/],
  ])('refuses %o with a message naming the problem', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('runs one worker per core unless --workers or PENNON_WORKERS says otherwise', () => {
    expect(loadWorkers({})).toBe(availableParallelism());
    expect(loadWorkers({ PENNON_WORKERS: '3' })).toBe(3);
    expect(loadWorkers({ PENNON_WORKERS: '3' }, '1')).toBe(1);
    expect(() => loadWorkers({ PENNON_WORKERS: '0' })).toThrow(
      /PENNON_WORKERS must be a whole number of at least 1/,
    );
    expect(() => loadWorkers({}, 'all')).toThrow(
      /--workers must be a whole number of at least 1 \(got 'all'\)/,
    );
  });
});
