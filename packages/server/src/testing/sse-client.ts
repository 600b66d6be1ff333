/**
 * Test support for server-sent events: reads a real `text/event-stream` over HTTP and parses
 * it as a browser's EventSource would, so tests can wait for the events they expect.
 */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  raw = '';
  ended = false;
  private buffer = '';
  private cursor = 0;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    return new SseReader(response, abort);
  }

  /** The first event not returned yet that matches, waiting for it if need be. */
  async next(predicate: (event: SseEvent) => boolean = () => true, timeoutMs = 3000): Promise<SseEvent> {
    const find = () => this.events.findIndex((event, index) => index >= this.cursor && predicate(event));
    await until(() => find() >= 0, 'an SSE event', timeoutMs);
    const index = find();
    this.cursor = index + 1;
    return this.events[index] as SseEvent;
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    const reader = this.response.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        this.buffer += text;
        let end = this.buffer.indexOf('\n\n');
        while (end >= 0) {
          this.parse(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end + 2);
          end = this.buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by the test.
    }
    this.ended = true;
  }

  private parse(block: string): void {
    const event: SseEvent = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      if (field === 'event') event.event = value;
      if (field === 'id') event.id = value;
    }
    if (data.length === 0) return;
    event.data = data.join('\n');
    this.events.push(event);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the condition holds; fails with what it waited for after the timeout. */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await sleep(10);
  }
}
