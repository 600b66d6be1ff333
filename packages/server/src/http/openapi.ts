import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Static, TSchema } from 'typebox';

/**
 * How callers authenticate, one scheme per kind of credential and the place it travels in.
 * Client and server keys share `X-Environment-Key` but are separate schemes, so an operation
 * can say which of the two it takes; the other carriers are those a protocol's own clients use.
 */
const securitySchemes = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'pat_…',
    description:
      'An admin token (`pat_…`), printed once on first start (or set with `PENNON_ADMIN_TOKEN`); ' +
      'more with `POST /api/admin/v1/admin-tokens`. Sent as `Authorization: Bearer <token>`.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'pennon_session',
    description:
      'The session of a signed-in person, set by `POST /api/admin/v1/auth/sign-in` (HttpOnly, ' +
      'SameSite=Lax). Requests that change something must also send `x-csrf-token` with the ' +
      "session's `csrf_token`, else 403 `csrf`.",
  },
  clientKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Environment-Key',
    description:
      "An environment's client key: public, may sit in a web page, and only ever gets evaluated " +
      'flags. Shown as `client_key` on the environment.',
  },
  serverKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Environment-Key',
    description:
      'A server key (`ser.…`): secret, for backends; also downloads every rule of the environment. ' +
      'Created with `POST /api/admin/v1/environments/{id}/server-keys`.',
  },
  bearerKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'environment key',
    description:
      'A client or server key as `Authorization: Bearer <key>`: the carrier of OFREP and of the ' +
      'native SDK API. Where an operation needs a server key, only a `ser.…` key passes.',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: "A client or server key in `X-API-Key`, OFREP's other header.",
  },
  clientKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'key',
    description:
      'The client key in the URL, for `EventSource`, which cannot send headers. Server keys are ' +
      'refused here (403): URLs end up in logs and browser histories.',
  },
  statsigKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'k',
    description: 'A client or server key as `?k=`, where `@statsig/js-client` sends it.',
  },
  statsigKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'statsig-api-key',
    description: "A client or server key in `STATSIG-API-KEY`, the header of Statsig's other SDKs.",
  },
} as const;

export type SecurityScheme = keyof typeof securitySchemes;
type SecurityRequirements = { [scheme: string]: string[] }[];

/** Security that any one of `schemes` satisfies (OpenAPI lists alternatives as separate entries). */
export function anyOf(...schemes: SecurityScheme[]): SecurityRequirements {
  return schemes.map((scheme) => ({ [scheme]: [] }));
}

/** What each kind of operation accepts; SDK routes name one of these in their schema. */
export const security = {
  /** Said explicitly, so that "no credentials" is a decision and not an omission. */
  none: [] as SecurityRequirements,
  admin: anyOf('adminToken', 'sessionCookie'),
  /** `environmentKeyOf`: any key, in `Authorization: Bearer` or `X-Environment-Key`. */
  anyKey: anyOf('clientKey', 'serverKey', 'bearerKey'),
  /** Routes that reveal rules: `sdkGuard.hook({ needs: 'server' })`. */
  serverKey: anyOf('serverKey', 'bearerKey'),
};

/**
 * Marks every route registered in `scope` (and its children) as needing `requirements`, unless
 * the route says otherwise. Registered beside the hook that enforces the credential, so the
 * document says what the server checks.
 */
export function documentSecurity(scope: FastifyInstance, requirements: SecurityRequirements): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    if (route.schema?.security !== undefined) return;
    route.schema = { ...route.schema, security: requirements };
  });
}

/**
 * `schema` with one example for the OpenAPI document, typed by the schema so it cannot drift
 * from what the route takes or answers. The copy keeps TypeBox's hidden properties, and the
 * original stays untouched since several routes share it.
 */
export function withExample<T extends TSchema>(schema: T, example: Static<T>): T {
  return withAnnotation(schema, 'examples', [example]);
}

/** `schema` with several named examples, shown as a choice in the browsable docs. */
export function withExamples<T extends TSchema>(
  schema: T,
  examples: Record<string, { summary: string; value: Static<T> }>,
): T {
  return withAnnotation(schema, 'x-examples', examples);
}

function withAnnotation<T extends TSchema>(schema: T, name: string, value: unknown): T {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(schema)) as T;
  Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** The OpenAPI document at `/api/openapi.json`, built from the route schemas, and docs at `/api/docs`. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pennon API',
        version: '0.1.0',
        description:
          'The admin API (`/api/admin/v1`, admin token) changes configuration. The SDK APIs evaluate ' +
          'flags with an environment key: Pennon’s own (`/api/sdk/v1`), Flagsmith’s (`/api/v1`), ' +
          'OFREP (`/ofrep/v1`) and Statsig’s (`/v1`). Each operation lists the credentials it takes; ' +
          'use **Authorize** to enter an admin token or key once for every "Try it out".',
      },
      components: { securitySchemes },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: {
      // The token entered in Authorize survives reloads (kept in this browser's localStorage).
      persistAuthorization: true,
      displayRequestDuration: true,
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
