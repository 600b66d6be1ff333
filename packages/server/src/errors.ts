/**
 * Errors are values with a stable code, a human message and a kind. Services raise them;
 * only `http/error-handler.ts` knows how a kind maps to an HTTP status.
 */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class PennonError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details?: unknown;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PennonError';
    this.kind = kind;
    this.code = code;
    this.details = options?.details;
  }
}

export const invalid = (code: string, message: string, details?: unknown) =>
  new PennonError('invalid', code, message, { details });
/**
 * `<what>_not_found` for things looked up one way only (`by`: an id unless said otherwise).
 * Things that may be named by id or by name fail through shared/lookup.ts, which says both.
 */
export const notFound = (what: string, value: string, by = 'id') =>
  new PennonError('not_found', `${what}_not_found`, `No ${what.replaceAll('_', ' ')} with ${by} '${value}'.`);
export const conflict = (code: string, message: string) => new PennonError('conflict', code, message);
export const unauthorized = (message: string) => new PennonError('unauthorized', 'unauthorized', message);
export const forbidden = (message: string) => new PennonError('forbidden', 'forbidden', message);
export const unavailable = (message: string, cause?: unknown) =>
  new PennonError('unavailable', 'unavailable', message, { cause });

export function isPennonError(error: unknown): error is PennonError {
  return error instanceof PennonError;
}
