import { validateHeaderName, validateHeaderValue } from 'node:http';

/** What every event stream answers with, after the headers the request's hooks set. */
const STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  // No chunked framing: the body ends when the connection closes, so each message is one plain
  // write, and an ended stream's connection is not kept (which also lets shutdown finish).
  connection: 'close',
};

/**
 * The whole HTTP/1.1 head of an event stream, as the bytes the hub writes to the socket itself.
 * Written this way rather than through `ServerResponse.writeHead`, the response keeps no copy
 * of its head (about 1 KB with the security headers) for as long as the stream lives. Values
 * are checked as Node checks them, so a header set from input cannot split the response.
 *
 * @example
 * streamHead({ 'access-control-allow-origin': '*' });
 * // 'HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\n...connection: close\r\ndate: ...\r\n\r\n'
 */
export function streamHead(hookHeaders: Record<string, unknown>): string {
  const headers: Record<string, unknown> = { ...hookHeaders, ...STREAM_HEADERS };
  delete headers['transfer-encoding'];
  delete headers['content-length'];
  let head = 'HTTP/1.1 200 OK\r\n';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    validateHeaderName(name);
    for (const one of Array.isArray(value) ? value : [value]) {
      validateHeaderValue(name, one);
      head += `${name}: ${String(one)}\r\n`;
    }
  }
  return `${head}date: ${new Date().toUTCString()}\r\n\r\n`;
}

/** The same headers for a response that is not a socket of its own (an injected test request). */
export function streamHeaders(hookHeaders: Record<string, unknown>): Record<string, string> {
  return { ...(hookHeaders as Record<string, string>), ...STREAM_HEADERS };
}
