import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../packages/server/src/config.js';
import { type RunningServer, startServer } from '../../packages/server/src/server.js';

export const E2E_ADMIN_TOKEN = 'pat_e2e-admin-token-0123456789abcdef';

export interface E2eServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  dataDir: string;
  running: RunningServer;
  /** Calls the admin API over real HTTP; throws with the response text unless it is a 2xx. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read admin payloads ad hoc; a caller may name T.
  admin<T = any>(method: string, route: string, body?: unknown): Promise<T>;
  /** The bootstrapped project's development environment. */
  development(): Promise<{ projectId: string; environmentId: string; clientKey: string }>;
  /** Stops the server, then removes the data directory if this helper created it. */
  close(): Promise<void>;
}

/**
 * A real Pennon server on loopback (port 0), SQLite in a temporary data directory unless one
 * is given, silent logs, and a known admin token. Environment variables are ignored so a
 * developer's PENNON_* settings never leak into a test.
 */
export async function startE2eServer(
  options: { dataDir?: string; adminToken?: string } = {},
): Promise<E2eServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-'));
  const adminToken = options.adminToken ?? E2E_ADMIN_TOKEN;
  const running = await startServer(
    loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminToken }),
  );
  const url = running.url.replace(/\/$/, '');
  return {
    url,
    dataDir,
    running,
    async admin(method, route, body) {
      const response = await fetch(`${url}/api/admin/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async development() {
      const projectId = (await this.admin('GET', '/projects')).items[0].id;
      const environments = await this.admin('GET', `/projects/${projectId}/environments`);
      const development = environments.items.find((e: { key: string }) => e.key === 'development');
      return { projectId, environmentId: development.id, clientKey: development.client_key };
    },
    async close() {
      await running.close();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
