import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { security, withExample } from '../http/openapi.js';
import type { UpstreamStatus } from './upstream-environment.js';

const EnvironmentStatus = Type.Object({
  environment: Type.String(),
  updated_at: Type.String(),
  source: Type.String(),
  stale: Type.Boolean(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  last_sync_at: Type.Union([Type.String(), Type.Null()]),
  events: Type.Object({ pending: Type.Number(), sent: Type.Number(), dropped: Type.Number() }),
});
const Ready = Type.Object({ status: Type.String(), environments: Type.Array(EnvironmentStatus) });

/**
 * `/health`: the edge answers. `/ready`: it serves every environment it was given (it does
 * from its start on: from the upstream or from the saved documents), with each environment's
 * freshness and the counts of events sent, waiting and dropped, so an operator sees an outage
 * of the upstream and anything lost.
 */
export function edgeHealthRoutes(statuses: () => UpstreamStatus[]): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['operations'];
    app.get(
      '/health',
      {
        schema: {
          tags,
          summary: 'Liveness: the edge answers',
          security: security.none,
          response: { 200: withExample(Type.Object({ status: Type.String() }), { status: 'ok' }) },
        },
      },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/ready',
      {
        schema: {
          tags,
          summary: 'Readiness, with the freshness and event counts of each environment served',
          description:
            '`stale` is true while the upstream cannot be reached: the edge serves the last document it ' +
            'had. `events.dropped` counts events and exposures given up on (refused by the upstream, or ' +
            'unsent at shutdown).',
          security: security.none,
          response: {
            200: withExample(Ready, {
              status: 'ready',
              environments: [
                {
                  environment: "environment 'Production' (019c9a1e3f210000c7d2e8b1f4a60952)",
                  updated_at: '2026-03-09T14:30:00.000Z',
                  source: 'upstream',
                  stale: false,
                  last_error: null,
                  last_sync_at: '2026-03-09T14:31:07.000Z',
                  events: { pending: 12, sent: 48_210, dropped: 0 },
                },
              ],
            }),
          },
        },
      },
      () => ({
        status: 'ready',
        environments: statuses().map((s) => ({
          environment: s.environment,
          updated_at: s.updatedAt,
          source: s.source,
          stale: s.stale,
          last_error: s.lastError ?? null,
          last_sync_at: s.lastSyncAt === undefined ? null : new Date(s.lastSyncAt).toISOString(),
          events: s.events,
        })),
      }),
    );
  };
}
