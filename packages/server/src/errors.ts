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
export const notFound = (what: string, id: string) =>
  new PennonError(
    'not_found',
    `${what}_not_found`,
    `No ${what.replaceAll('_', ' ')} with id or key '${id}'.`,
  );
export const conflict = (code: string, message: string) => new PennonError('conflict', code, message);
export const unauthorized = (message: string) => new PennonError('unauthorized', 'unauthorized', message);
export const forbidden = (message: string) => new PennonError('forbidden', 'forbidden', message);
export const unavailable = (message: string, cause?: unknown) =>
  new PennonError('unavailable', 'unavailable', message, { cause });

export function isPennonError(error: unknown): error is PennonError {
  return error instanceof PennonError;
}
