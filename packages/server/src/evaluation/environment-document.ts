import type { EnvironmentSnapshot } from './snapshot.js';

const documents = new WeakMap<EnvironmentSnapshot, string>();

/**
 * The native environment document for server SDKs: every rule of one environment, as the
 * engine's context. Serialised once per snapshot, not per request. JSON has no infinity, so
 * identity overrides' priority of -infinity is written as the lowest finite number, which
 * ranks the same against any segment override priority. `feature_types` gives each feature's
 * declared type, which the context does not carry, so SDKs can give the same typed values as
 * the server (a boolean feature's value is its enabled state; a disabled one falls back).
 *
 * The environment's settings and `features` (in the project's order) carry the rest of the
 * snapshot, so `pennon edge` rebuilds from this document the snapshot the server evaluates
 * with (edge/document-snapshot.ts): every protocol then answers alike from both. Server keys
 * only, like the rest of the document; the client key is `context.environment.key`.
 */
export function environmentDocument(snapshot: EnvironmentSnapshot): string {
  let text = documents.get(snapshot);
  if (text === undefined) {
    text = JSON.stringify(
      {
        environment: {
          id: snapshot.environmentId,
          name: snapshot.name,
          updated_at: snapshot.updatedAt,
          project: { id: snapshot.projectId, name: snapshot.projectName },
          hide_disabled_flags: snapshot.hideDisabledFlags,
          hide_sensitive_data: snapshot.hideSensitiveData,
          allow_client_traits: snapshot.allowClientTraits,
        },
        context: snapshot.context,
        feature_types: Object.fromEntries([...snapshot.features.values()].map((f) => [f.key, f.type])),
        features: [...snapshot.features.values()].map((f) => ({
          key: f.key,
          id: f.id,
          number: f.number,
          type: f.type,
          description: f.description,
          tags: f.tags,
          server_key_only: f.serverKeyOnly,
        })),
      },
      (_key, value) => (value === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : value),
    );
    documents.set(snapshot, text);
  }
  return text;
}
