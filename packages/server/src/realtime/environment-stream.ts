import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EnvironmentKey, KeyDirectory } from '../auth/environment-keys.js';
import type { EvaluationService } from '../evaluation/evaluation.service.js';
import type { EnvironmentSnapshot } from '../evaluation/snapshot.js';
import type { SseHub, SseMessage, SseNext } from './sse-hub.js';

/** What an environment stream needs from the application, and nothing more. */
export interface EnvironmentStreamContext {
  keys: Pick<KeyDirectory, 'lookup'>;
  evaluation: Pick<EvaluationService, 'snapshot'>;
  sse: Pick<SseHub, 'open'>;
}

export interface EnvironmentStreamOptions {
  /** Names the protocol's messages: streams of one protocol and key share each message. */
  protocol: string;
  /** The key as the client sent it; it is checked again on every change. */
  key: string;
  environment: EnvironmentKey;
  /** The protocol's message for a new state of the environment. */
  toMessage: (snapshot: EnvironmentSnapshot) => SseMessage;
  /** The etag the client already has (EventSource's `Last-Event-ID`): no need to announce it. */
  lastSeenEtag?: string;
}

/**
 * Opens a stream that announces every new state of one environment, in the protocol's own
 * words. The current state is announced right after the stream is registered, so a change
 * that landed between the client's last fetch and this stream is not lost; after that, a
 * message goes out only when it differs from the last one the stream sent (a reconnected
 * change bus says "everything changed" without anything having changed). The stream ends when its key stops
 * resolving to the environment (rotated or deleted): a revoked key stops streaming at once.
 */
export function openEnvironmentStream(
  ctx: EnvironmentStreamContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: EnvironmentStreamOptions,
): void {
  const { key, environment, toMessage } = options;
  // The same for every stream of this protocol and key, so the hub runs it once per change for
  // all of them; what each client already has is the hub's to remember (the etag as event id,
  // or the message itself).
  const next = async (): Promise<SseNext> => {
    const current = await ctx.keys.lookup(key);
    if (!current || current.environmentId !== environment.environmentId) return 'end';
    return toMessage(await ctx.evaluation.snapshot(environment.environmentId));
  };
  const stream = ctx.sse.open(request, reply, {
    environmentId: environment.environmentId,
    projectId: environment.projectId,
    key,
    topic: `${options.protocol}\n${environment.environmentId}\n${key}`,
    skipRepeats: true,
    lastSeenId: options.lastSeenEtag,
    onChange: next,
  });
  stream.enqueue(next);
}
