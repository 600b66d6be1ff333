import type { EnvironmentSnapshot } from './snapshot.js';

const documents = new WeakMap<EnvironmentSnapshot, string>();

/**
 * The native environment document for server SDKs: every rule of one environment, as the
 * engine's context. Serialised once per snapshot, not per request. JSON has no infinity, so
 * identity overrides' priority of -infinity is written as the lowest finite number, which
 * ranks the same against any segment override priority. `feature_types` gives each feature's
 * declared type, which the context does not carry, so SDKs can give the same typed values as
 * the server (a boolean feature's value is its enabled state; a disabled one falls back).
 */
export function environmentDocument(snapshot: EnvironmentSnapshot): string {
  let text = documents.get(snapshot);
  if (text === undefined) {
    text = JSON.stringify(
      {
        environment: { id: snapshot.environmentId, name: snapshot.name, updated_at: snapshot.updatedAt },
        context: snapshot.context,
        feature_types: Object.fromEntries([...snapshot.features.values()].map((f) => [f.key, f.type])),
      },
      (_key, value) => (value === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : value),
    );
    documents.set(snapshot, text);
  }
  return text;
}
