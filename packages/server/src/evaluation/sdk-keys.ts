import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../auth/tokens.js';

/** Where each protocol takes its key, for errors that tell a caller how to send one. */
export const KEY_PLACEMENT = {
  native: 'as "Authorization: Bearer <key>" (or in X-Environment-Key)',
  flagsmith: 'in the X-Environment-Key header',
  ofrep: 'as "Authorization: Bearer <key>" or in the X-API-Key header',
  statsig: 'in the STATSIG-API-KEY header or as ?k=<key>',
  url: 'in the URL',
} as const;

/**
 * The environment key of an SDK request, from `Authorization: Bearer <key>`,
 * `X-Environment-Key` (Flagsmith's header) or `X-API-Key` (OFREP's), in that order.
 */
export function environmentKeyOf(request: { headers: IncomingHttpHeaders }): string | undefined {
  const headers = request.headers;
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return bearerToken(header('authorization')) ?? header('x-environment-key') ?? header('x-api-key');
}
