import { describe, expect, it } from 'vitest';
import { streamHead } from './sse-head.js';

describe('streamHead', () => {
  it("keeps the hooks' headers, adds the stream's own, and has no body framing", () => {
    const head = streamHead({
      'access-control-allow-origin': '*',
      vary: ['Origin', 'Accept'],
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
      'content-length': 12,
    });
    expect(head.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    const lines = head.slice(0, -4).split('\r\n').slice(1);
    expect(lines.filter((line) => !line.startsWith('date: '))).toEqual([
      'access-control-allow-origin: *',
      'vary: Origin',
      'vary: Accept',
      'content-type: text/event-stream; charset=utf-8',
      'cache-control: no-cache, no-transform',
      'x-accel-buffering: no',
      'connection: close',
    ]);
    expect(lines.filter((line) => line.startsWith('date: '))).toHaveLength(1);
  });

  it('refuses a header value that would split the response', () => {
    expect(() => streamHead({ 'x-echo': 'a\r\nset-cookie: b' })).toThrow(/Invalid character/);
  });
});
