import createClient from 'openapi-fetch';
import type { paths } from './api-schema.js';

/**
 * An admin API failure as the server states it: status, machine code, human message. Screens
 * show `message` as it is; the server writes it to say what to do.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  /** Seconds to wait, from Retry-After on a 429. */
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { details?: unknown; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = extra.details;
    this.retryAfter = extra.retryAfter;
  }
}

/** Methods that change state: with a session cookie they must carry the session's CSRF token. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ApiClientOptions {
  /** Empty in the browser (same origin as the page); an absolute origin in tests. */
  baseUrl?: string;
  /** Called on every 401: the session ended or never began. */
  onUnauthorized?: () => void;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * The one client every feature's hooks call. It authenticates only with the signed-in user's
 * session cookie (`credentials: 'same-origin'`), never with a token or key, and adds the
 * session's CSRF token to state-changing requests once sign-in or `/auth/me` has given it.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  let csrfToken: string | undefined;

  const typed = createClient<paths>({ baseUrl, credentials: 'same-origin' });
  typed.use({
    onRequest({ request }) {
      if (csrfToken && UNSAFE.has(request.method)) request.headers.set('x-csrf-token', csrfToken);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return response;
    },
  });

  /**
   * For admin routes the generated schema does not hold yet (the session routes, added on
   * another branch): same credentials, CSRF and error handling as the typed calls.
   */
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrfToken && UNSAFE.has(method)) headers['x-csrf-token'] = csrfToken;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) options.onUnauthorized?.();
    const text = await response.text();
    const parsed: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) throw toApiError(response, parsed);
    return parsed as T;
  }

  return {
    GET: typed.GET,
    POST: typed.POST,
    PUT: typed.PUT,
    PATCH: typed.PATCH,
    DELETE: typed.DELETE,
    request,
    setCsrfToken(token: string | undefined) {
      csrfToken = token;
    },
  };
}

/**
 * The data of a typed call, or its failure as an ApiError (so TanStack Query sees a rejected
 * promise). A 204 resolves to undefined.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}

function toApiError(response: Response, body: unknown): ApiError {
  const retry = Number(response.headers.get('retry-after'));
  const extra = Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {};
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(response.status, error.code, error.message, { ...extra, details: error.details });
  }
  // A proxy's error page or a dropped connection: no Pennon body to show.
  return new ApiError(
    response.status,
    'unexpected_response',
    `The server answered ${response.status} ${response.statusText} without an explanation; try again, and check that Pennon is running.`,
    extra,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
