import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.PENNON_CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Why browser tests cannot run here, or undefined when they can. On CI a missing Chromium is a
 * failure, not a skip: `.ci/run` installs it, so its absence means CI is not testing the SDKs.
 */
export function browserUnavailableReason(): string | undefined {
  if (fs.existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set PENNON_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`CI must run the browser tests: ${reason}`);
  return reason;
}

/** Headless Debian Chromium, as the CI runs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Bundles `source` (a module importing the SDKs) for the browser with esbuild, resolving the
 * workspace packages to their sources so the page runs exactly the code under test.
 */
export async function bundle(source: string, options: { jsx?: boolean } = {}): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: options.jsx ? 'tsx' : 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    write: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: {
      '@pennon/sdk-core': `${root}packages/sdk-core/src/index.ts`,
      '@pennon/js/openfeature': `${root}packages/js/src/openfeature/index.ts`,
      '@pennon/js': `${root}packages/js/src/index.ts`,
      '@pennon/react': `${root}packages/react/src/index.ts`,
    },
  });
  return result.outputFiles[0]?.text ?? '';
}

/** A loopback web server for test pages: `routes` maps a path to [content type, body]. */
export async function servePages(
  routes: Map<string, () => [string, string]>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    // Browsers ask for one unprompted; a 404 would show up as a console error in the page.
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const route = routes.get(pathname);
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    const [type, body] = route();
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
