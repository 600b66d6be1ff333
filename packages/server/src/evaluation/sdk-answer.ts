import type { FastifyReply } from 'fastify';

/**
 * The content type of every SDK answer. It names its charset, so Fastify sends it unchanged
 * whether the body is text or bytes, and the fast lane writes the same.
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A successful SDK answer as the route computed it: its own headers (lower-case names) and its
 * JSON body. Fastify's route sends it with `sendAnswer`; the fast lane (sdk-fast-lane.ts)
 * writes the same, so each answer is built in one place.
 */
export interface SdkAnswer {
  /**
   * Headers that depend on the snapshot at most: the same object for every answer of a
   * snapshot, so the fast lane can keep the whole head it makes of them.
   */
  headers: Readonly<Record<string, string>>;
  /** The answer's own validator, when it has one. */
  etag?: string;
  body: string | Buffer;
}

export function sendAnswer(reply: FastifyReply, answer: SdkAnswer): FastifyReply {
  reply.headers(answer.headers);
  if (answer.etag !== undefined) reply.header('etag', answer.etag);
  return reply.type(JSON_CONTENT_TYPE).send(answer.body);
}
