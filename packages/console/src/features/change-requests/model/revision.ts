/** A revision as the form would send it, or why it cannot be sent. */
export type RevisionDraft =
  | {
      ok: true;
      /** Only what differs from the request, as PATCH takes it; empty: nothing to send. */
      body: { title?: string; description?: string; changes?: unknown[] };
      /** New changes: approvals given so far start over (a title or description alone keeps them). */
      newRevision: boolean;
    }
  | { ok: false; message: string };

/**
 * Reads the revise form: the changes are edited as the JSON list the API takes (each with its
 * `kind`), and only fields that differ are sent, so renaming a request does not throw away
 * its approvals. The API checks each change as the direct routes would.
 * @example
 * revisionDraft({ title: 'A', description: '', changes: [] }, { title: 'B', description: '', changesText: '[]' })
 * // → { ok: false, message: 'Propose at least one change; cancel the request to drop it.' }
 */
export function revisionDraft(
  current: { title: string; description: string; changes: readonly unknown[] },
  form: { title: string; description: string; changesText: string },
): RevisionDraft {
  const title = form.title.trim();
  if (title === '') return { ok: false, message: 'The title cannot be empty.' };
  let changes: unknown;
  try {
    changes = JSON.parse(form.changesText);
  } catch (error) {
    return { ok: false, message: `The changes are not valid JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(changes)) return { ok: false, message: 'The changes must be a JSON list, [ … ].' };
  if (changes.length === 0)
    return { ok: false, message: 'Propose at least one change; cancel the request to drop it.' };
  const unnamed = changes.findIndex((c) => typeof c !== 'object' || c === null || !('kind' in c));
  if (unnamed !== -1)
    return {
      ok: false,
      message: `Change ${unnamed} needs a "kind": feature_state, segment_override or identity_override.`,
    };
  const newRevision = JSON.stringify(changes) !== JSON.stringify(current.changes);
  return {
    ok: true,
    newRevision,
    body: {
      ...(title === current.title ? {} : { title }),
      ...(form.description === current.description ? {} : { description: form.description }),
      ...(newRevision ? { changes } : {}),
    },
  };
}
