import type { FastifyInstance } from 'fastify';
import { LISTEN_BACKLOG } from '../http/listen-backlog.js';
import { buildEdgeApp } from './edge-app.js';
import type { EdgeConfig } from './edge-config.js';

export interface RunningEdge {
  app: FastifyInstance;
  url: string;
  /** Stops accepting connections, ends streams, sends what is queued upstream (a few seconds at most). */
  close(): Promise<void>;
}

/** Follows every environment, then listens: what `pennon edge` runs. */
export async function startEdge(
  config: EdgeConfig,
  logger?: boolean | { level: string },
): Promise<RunningEdge> {
  const { app } = await buildEdgeApp(config, logger);
  try {
    const url = await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
    app.log.info({ upstream: config.upstream, identities: config.identities }, 'pennon edge listening');
    return { app, url, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}
