import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The origin clients reach the server at, for absolute URLs handed out in responses (stream
 * URLs). A configured `PENNON_PUBLIC_URL` wins: behind a proxy the request's `Host` header
 * names the proxy's upstream, and from a hostile client it names anything at all. Without one,
 * the URL is derived from the request, as before the setting existed.
 *
 * @example
 * publicOrigin('https://flags.example.com', request.raw); // 'https://flags.example.com'
 * publicOrigin(undefined, request.raw); // 'http://localhost:8420' (from the request)
 */
export function publicOrigin(configured: string | undefined, request: IncomingMessage): string {
  if (configured !== undefined) return configured;
  // As Fastify's `request.protocol` and `request.host` read them (no proxy is trusted).
  const protocol = (request.socket as TLSSocket).encrypted ? 'https' : 'http';
  return `${protocol}://${request.headers.host}`;
}
