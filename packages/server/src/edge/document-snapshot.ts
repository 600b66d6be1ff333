import { compile, type EvaluationContext } from '@pennon/engine';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { PennonError } from '../errors.js';
import { type EnvironmentSnapshot, type FeatureInfo, snapshotEtag } from '../evaluation/snapshot.js';

/** What of the native environment document (evaluation/environment-document.ts) an edge reads. */
const EdgeDocument = Type.Object({
  environment: Type.Object({
    id: Type.String(),
    name: Type.String(),
    updated_at: Type.String(),
    project: Type.Object({ id: Type.String(), name: Type.String() }),
    hide_disabled_flags: Type.Boolean(),
    hide_sensitive_data: Type.Boolean(),
    allow_client_traits: Type.Boolean(),
  }),
  context: Type.Object({
    environment: Type.Object({ key: Type.String(), name: Type.String() }),
  }),
  features: Type.Array(
    Type.Object({
      key: Type.String(),
      id: Type.String(),
      number: Type.Number(),
      type: Type.Union([
        Type.Literal('boolean'),
        Type.Literal('string'),
        Type.Literal('number'),
        Type.Literal('json'),
      ]),
      description: Type.String(),
      tags: Type.Array(Type.String()),
      server_key_only: Type.Boolean(),
    }),
  ),
});

/**
 * Rebuilds, from the native document an upstream server serves to a server key, the very
 * snapshot that server evaluates with: same context, same settings, same features in the same
 * order, same ETag. Every protocol adapter reads only the snapshot, so the edge answers as
 * the server does. Throws `upstream_document_invalid` for a document that lacks what the edge
 * needs (an upstream older than the edge, or a file that is not a document).
 */
export function snapshotFromDocument(text: string): EnvironmentSnapshot {
  let parsed: unknown;
  try {
    // The server writes identity overrides' priority of -infinity as the lowest finite number.
    parsed = JSON.parse(text, (_key, value) =>
      value === -Number.MAX_VALUE ? Number.NEGATIVE_INFINITY : value,
    );
  } catch (error) {
    throw invalidDocument('it is not JSON', error);
  }
  if (!Value.Check(EdgeDocument, parsed)) {
    const first = Value.Errors(EdgeDocument, parsed)[0];
    throw invalidDocument(
      `${first?.instancePath || 'the document'} ${first?.message ?? 'does not match'}; is the upstream ` +
        'a Pennon server at least as new as this edge?',
    );
  }
  const { environment, features } = parsed;
  const context = (parsed as { context: EvaluationContext }).context;
  const infos = new Map<string, FeatureInfo>();
  for (const f of features) {
    infos.set(f.key, {
      id: f.id,
      number: f.number,
      key: f.key,
      type: f.type,
      description: f.description,
      tags: f.tags,
      serverKeyOnly: f.server_key_only,
    });
  }
  return {
    environmentId: environment.id,
    projectId: environment.project.id,
    projectName: environment.project.name,
    clientKey: context.environment.key,
    name: environment.name,
    hideDisabledFlags: environment.hide_disabled_flags,
    hideSensitiveData: environment.hide_sensitive_data,
    allowClientTraits: environment.allow_client_traits,
    updatedAt: environment.updated_at,
    updatedAtSeconds: Date.parse(environment.updated_at) / 1000,
    etag: snapshotEtag(environment.id, environment.updated_at),
    features: infos,
    context,
    compiled: compile(context),
  };
}

function invalidDocument(why: string, cause?: unknown): PennonError {
  return new PennonError(
    'unavailable',
    'upstream_document_invalid',
    `The environment document is unusable: ${why}.`,
    {
      cause,
    },
  );
}
