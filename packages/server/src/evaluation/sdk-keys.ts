import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/tokens.js';

/**
 * The environment key of an SDK request, from `Authorization: Bearer <key>`,
 * `X-Environment-Key` (Flagsmith's header) or `X-API-Key` (OFREP's), in that order.
 */
export function environmentKeyOf(request: FastifyRequest): string | undefined {
  const headers = request.headers;
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return bearerToken(header('authorization')) ?? header('x-environment-key') ?? header('x-api-key');
}
