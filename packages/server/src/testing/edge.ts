import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildEdgeApp } from '../edge/edge-app.js';
import { type EdgeOverrides, loadEdgeConfig } from '../edge/edge-config.js';
import type { ForwardedAnalytics } from '../edge/forwarded-analytics.js';
import type { UpstreamEnvironment } from '../edge/upstream-environment.js';

export interface TestEdge {
  app: FastifyInstance;
  url: string;
  dataDir: string;
  followers: UpstreamEnvironment[];
  analytics: ForwardedAnalytics;
  close(): Promise<void>;
}

/**
 * A real edge on loopback following `upstream`, its documents in a temporary directory unless
 * `dataDir` is given (to restart one on the saved documents). Environment variables are
 * ignored, so a developer's PENNON_* settings never leak into a test.
 */
export async function startTestEdge(
  upstream: string,
  serverKeys: string[],
  overrides: EdgeOverrides = {},
): Promise<TestEdge> {
  const ownsDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-edge-test-'));
  const config = loadEdgeConfig(
    {},
    {
      upstream,
      serverKeys,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      startTimeoutSeconds: 2,
      ...overrides,
      dataDir,
    },
  );
  const { app, followers, analytics } = await buildEdgeApp(config, false);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    dataDir,
    followers,
    analytics,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
