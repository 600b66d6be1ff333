import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorKind, isPennonError } from '../errors.js';
import { describeValidation, type SchemaError } from './validation-errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Maps any error to a status and the `{"error":{"code","message"}}` body. The one place that knows HTTP. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isPennonError(error)) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = error.details;
    return { status: STATUS[error.kind], body };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const { message, problem } = describeValidation(
      fastifyError.validationContext ?? 'request',
      fastifyError.validation as SchemaError[],
    );
    return { status: 400, body: { error: { code: 'invalid_request', message, details: problem } } };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: { error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error: { code: 'body_too_large', message: 'The request body is too large.' } },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: { code: 'unsupported_media_type', message: 'Send the body as application/json.' } },
      };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: { error: { code: 'bad_request', message: fastifyError.message } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal server error.' } } };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
    }),
  );
}
