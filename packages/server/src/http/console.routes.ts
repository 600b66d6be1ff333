import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm install` (root `prepare`) leaves the console's build, from src/http or dist/http alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/**
 * Paths the console never owns: an unknown route under them stays a JSON `route_not_found`, as
 * API clients expect, and never turns into the console's HTML page.
 */
const API_PREFIXES = ['/api/', '/v1/', '/ofrep/', '/sse/', '/health', '/ready'];

/** Vite names every file under assets/ by its content hash: a changed file gets a new name. */
const HASHED_ASSETS = `${path.sep}assets${path.sep}`;
const LONG_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so browsers must ask again each time (a 304 is cheap). */
const REVALIDATE = 'no-cache';

/**
 * The web console at `/`: its built files, and index.html for every other page address so that
 * client-side routes (`/flags/dark_mode`) survive a reload or a shared link. Registered after
 * every API route: Fastify prefers a static route to the wildcard, so API paths are untouched.
 * Without a build (a checkout where `npm run build` has not run), `/` says how to build it.
 */
export function consoleRoutes(dir: string = DEFAULT_CONSOLE_DIR) {
  return async (app: FastifyInstance): Promise<void> => {
    const index = path.join(dir, 'index.html');
    if (!fs.existsSync(index)) {
      app.get('/', { schema: { hide: true } }, (_request, reply) => notBuilt(reply, dir));
      return;
    }
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      // One route per file found at start: an unknown file is a 404, not a disk lookup per request.
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (response, file) => {
        response.setHeader('cache-control', file.includes(HASHED_ASSETS) ? LONG_CACHE : REVALIDATE);
      },
    });
    const page = (request: FastifyRequest, reply: FastifyReply) => {
      if (!wantsPage(request)) return reply.callNotFound();
      return reply.header('cache-control', REVALIDATE).sendFile('index.html');
    };
    app.get('/', { schema: { hide: true } }, page);
    app.get('/*', { schema: { hide: true } }, page);
  };
}

/** A browser navigating to a console address: not an API path, not a missing asset file. */
function wantsPage(request: FastifyRequest): boolean {
  const pathname = request.url.split('?')[0];
  if (API_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return false;
  // `/assets/old-hash.js` after a deploy must fail as a 404, not load HTML as a script.
  if (pathname.startsWith('/assets/')) return false;
  return true;
}

function notBuilt(reply: FastifyReply, dir: string) {
  return reply.code(503).send({
    error: {
      code: 'console_not_built',
      message: `The web console is not built (no ${path.join(dir, 'index.html')}): run "npm run build" at the repository root, then restart.`,
    },
  });
}
