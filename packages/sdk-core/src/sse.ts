/** One server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * An incremental parser of `text/event-stream`: feed it chunks as they arrive, get back the
 * complete events. Written here rather than using EventSource because EventSource cannot send
 * an Authorization header (server keys must never go in a URL) and gives no control over
 * reconnect timing.
 * @example
 * const parser = new SseParser();
 * parser.push('event: change\nid: 1\ndata: {}\n\n'); // [{ event: 'change', data: '{}', id: '1' }]
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  /**
   * Parses a chunk; returns the events it completed.
   * @example
   * parser.push(': keep-alive\n\n'); // []
   */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    let newline = this.buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      if (line === '') {
        if (this.data.length > 0) {
          messages.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
        }
        this.event = '';
        this.data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') this.event = value;
        else if (field === 'data') this.data.push(value);
        else if (field === 'id') this.id = value;
      }
      newline = this.buffer.search(/\r\n|\r|\n/);
    }
    return messages;
  }
}
