import { useState } from 'react';
import type { ChangeMode } from '../../../lib/access.js';
import type { NewSegmentOverride, SegmentOverride } from '../../../lib/api-types.js';
import { useSegmentOverrideMutations } from '../api/flags.js';
import {
  draftsOf,
  editDraft,
  moveDraft,
  type OverrideChange,
  type OverrideDraft,
  overrideChanges,
  overridesMoved,
} from '../model/override-draft.js';
import { reorder } from '../model/priorities.js';

type Fields = Partial<Omit<OverrideDraft, 'segment_id'>>;

/** What the override table can do to a row, whichever way the change is made. */
export interface OverrideActions {
  set(segmentId: string, fields: Fields): void;
  remove(segmentId: string): void;
  move(from: number, to: number): void;
  add(draft: OverrideDraft, onAdded: () => void): void;
}

/**
 * One flag's segment overrides in one environment, edited straight in where the person may
 * ('edit'), or gathered into a draft to propose as one change request where the environment
 * is protected or they may only propose ('propose'; also after a direct change was refused
 * with "propose it instead"). The same actions either way, so every edit the table offers is
 * one that can be proposed.
 */
export function useOverrideEditing(
  environmentId: string,
  featureId: string,
  stored: readonly SegmentOverride[],
  mode: ChangeMode['mode'],
  refusedDirectly: (error: unknown) => boolean,
) {
  const mutations = useSegmentOverrideMutations(environmentId, featureId);
  const { create, update, remove } = mutations;
  const error = create.error ?? update.error ?? remove.error;
  const proposing = mode === 'propose' || refusedDirectly(error);
  // Null: nothing edited yet, so the table follows what is stored as it reloads. A draft keeps
  // the stored overrides it started from (`base`), and the proposal is the person's own edits
  // to those: compared with what is stored now instead, anything another person changed
  // meanwhile would be proposed back to what this person first saw.
  const [draft, setDraft] = useState<{ base: readonly SegmentOverride[]; rows: OverrideDraft[] } | null>(
    null,
  );
  const rows = proposing && draft ? draft.rows : draftsOf(stored);
  const base = draft?.base ?? stored;
  const changes: OverrideChange[] = proposing ? overrideChanges(featureId, base, rows) : [];
  const serverMoved = proposing && draft !== null && overridesMoved(draft.base, stored);
  const edit = (next: OverrideDraft[]) => setDraft({ base, rows: next });
  const idOf = (segmentId: string) => stored.find((o) => o.segment_id === segmentId)?.id ?? segmentId;

  const drafting: OverrideActions = {
    set: (segmentId, fields) => edit(editDraft(rows, segmentId, fields)),
    remove: (segmentId) => edit(rows.filter((r) => r.segment_id !== segmentId)),
    move: (from, to) => edit(moveDraft(rows, from, to)),
    add: (added, onAdded) => {
      edit([...rows, added]);
      onAdded();
    },
  };
  const direct: OverrideActions = {
    set: (segmentId, fields) =>
      update.mutate({ id: idOf(segmentId), ...fields } as Parameters<typeof update.mutate>[0]),
    remove: (segmentId) => remove.mutate(idOf(segmentId)),
    move: async (from, to) => {
      const ordered = rows.map((r) => ({ id: idOf(r.segment_id), priority: r.priority }));
      for (const patch of reorder(ordered, from, to)) await update.mutateAsync(patch);
    },
    add: (added, onAdded) =>
      create.mutate(
        { ...added, feature_id: featureId, value: added.value as NewSegmentOverride['value'] },
        { onSuccess: onAdded },
      ),
  };

  return {
    rows,
    proposing,
    changes,
    /** A draft exists (even one whose edits cancel out): it can be discarded. */
    drafted: proposing && draft !== null,
    /** The stored overrides changed since the draft began: the proposal is still only this person's edits. */
    serverMoved,
    actions: proposing ? drafting : direct,
    error: proposing ? null : error,
    creating: create.isPending,
    /**
     * Back to what is stored: after proposing, or when the person drops their edits. A refusal
     * that turned the table to proposing is kept, so it stays proposing.
     */
    discard: () => setDraft(null),
  };
}
