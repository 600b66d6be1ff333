/** Where an SDK talks to and with which key. */
export interface Endpoint {
  /** The server's base address, e.g. `https://flags.example.com` (no `/api/sdk/v1`). */
  url: string;
  /** A client key (browsers) or a `ser.` server key (servers). */
  key: string;
}

/** An HTTP answer that was not 2xx or 304, with the server's error code when it sent one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** 4xx other than 408 and 429 will fail again unchanged: the caller's input or key is wrong. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/**
 * The address of a native SDK route under `/api/sdk/v1`.
 * @example
 * sdkUrl({ url: 'http://localhost:8420/', key }, 'events'); // 'http://localhost:8420/api/sdk/v1/events'
 */
export function sdkUrl(endpoint: Endpoint, route: string): string {
  return `${endpoint.url.replace(/\/+$/, '')}/api/sdk/v1/${route}`;
}

/**
 * `fetch` with the key as a bearer token and a deadline, so no request can hang an SDK.
 * Throws `HttpError` for non-2xx answers other than 304.
 * @example
 * const response = await sdkFetch(endpoint, 'environment-document', { timeoutMs: 5000 });
 */
export async function sdkFetch(
  endpoint: Endpoint,
  route: string,
  options: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    /** Omitted only for the long-lived stream, which is cancelled through `signal`. */
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${endpoint.key}`, ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(sdkUrl(endpoint, route), {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  if (!response.ok && response.status !== 304) throw await httpError(response);
  return response;
}

async function httpError(response: Response): Promise<HttpError> {
  let code: string | undefined;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    if (body.error?.message) message = `${response.status} ${body.error.message}`;
  } catch {
    // Not a Pennon error body (a proxy's page, say): the status line says enough.
  }
  return new HttpError(response.status, code, message);
}
