import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

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
    });
  });

  it('reads every PENNON_* variable', () => {
    const config = loadConfig({
      PENNON_PORT: '9000',
      PENNON_HOST: '127.0.0.1',
      PENNON_DATA_DIR: '/tmp/pennon-data',
      PENNON_DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      PENNON_ADMIN_TOKEN: 'pat_0123456789abcdef',
      PENNON_LOG_LEVEL: 'debug',
      PENNON_SDK_RATE_LIMIT: '0',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/tmp/pennon-data',
      databaseUrl: 'postgres://root@127.0.0.1:5432/test',
      adminToken: 'pat_0123456789abcdef',
      logLevel: 'debug',
      sdkRateLimit: 0,
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
    [{ PENNON_ADMIN_TOKEN: 'short' }, /at least 16/],
    [{ PENNON_SDK_RATE_LIMIT: '-5' }, /PENNON_SDK_RATE_LIMIT/],
  ])('refuses %o with a message naming the problem', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
