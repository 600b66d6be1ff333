import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../config.js';
import { registerBodyReplay } from './body-replay.js';
import { limitConnections, receiveTimeouts } from './connection-limits.js';
import { registerCors } from './cors.js';
import { registerErrorHandler } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { registerRequestTextChecks } from './request-text.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerValidation } from './validation.js';

/** Bodies above this are refused with 413 before parsing; SDK and admin payloads are small. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** The settings every Pennon HTTP process (`serve`, `edge`) is built with. */
export type HttpSettings = Pick<
  Config,
  'logLevel' | 'requestTimeoutSeconds' | 'maxConnections' | 'maxConnectionsPerAddress' | 'adminCorsOrigins'
>;

/**
 * A Fastify instance with the limits, validation, error mapping, security headers, CORS and
 * OpenAPI document every Pennon process has, and no routes yet: `pennon serve` and
 * `pennon edge` differ only in the routes and context they register on it.
 */
export async function createHttpApp(
  settings: HttpSettings,
  logger?: boolean | { level: string },
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: settings.logLevel },
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow clients (headers or body trickled in) lose their connection: see connection-limits.ts.
    ...receiveTimeouts(settings.requestTimeoutSeconds),
    // Per-request lines only when debugging: at full SDK load they would cost more than the request.
    logController: new LogController({
      disableRequestLogging: settings.logLevel !== 'debug' && settings.logLevel !== 'trace',
    }),
    // Long enough for any identifier (MAX_IDENTIFIER_LENGTH code points), URL-encoded, as a path segment.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 12_000 },
    // Peers disconnecting mid-response must not surface as server errors.
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  limitConnections(app.server, {
    total: settings.maxConnections,
    perAddress: settings.maxConnectionsPerAddress,
  });
  registerValidation(app);
  registerRequestTextChecks(app);
  registerBodyReplay(app);
  registerErrorHandler(app);
  await registerSecurityHeaders(app);
  registerCors(app, settings.adminCorsOrigins);
  await registerOpenApi(app);
  return app;
}
