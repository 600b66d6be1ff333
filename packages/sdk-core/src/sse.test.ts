import { expect, it } from 'vitest';
import { SseParser } from './sse.js';

it('assembles events split across chunks, with CRLF, comments and multi-line data', () => {
  const parser = new SseParser();
  expect(parser.push(': keep-alive\n\nevent: cha')).toEqual([]);
  expect(parser.push('nge\r\nid: "e1"\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: change\n')).toEqual([
    { event: 'change', data: '{"a":\n1}', id: '"e1"' },
  ]);
  // The id carries over to later events until a new one is sent, as EventSource does.
  expect(parser.push('data: x\n\n')).toEqual([{ event: 'change', data: 'x', id: '"e1"' }]);
  expect(parser.push('data: y\n\n')).toEqual([{ event: 'message', data: 'y', id: '"e1"' }]);
});
