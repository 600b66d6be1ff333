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
  // Null: nothing edited yet, so the table follows what is stored as it reloads.
  const [draft, setDraft] = useState<OverrideDraft[] | null>(null);
  const rows = proposing && draft ? draft : draftsOf(stored);
  const changes: OverrideChange[] = proposing ? overrideChanges(featureId, stored, rows) : [];
  const idOf = (segmentId: string) => stored.find((o) => o.segment_id === segmentId)?.id ?? segmentId;

  const drafting: OverrideActions = {
    set: (segmentId, fields) => setDraft(editDraft(rows, segmentId, fields)),
    remove: (segmentId) => setDraft(rows.filter((r) => r.segment_id !== segmentId)),
    move: (from, to) => setDraft(moveDraft(rows, from, to)),
    add: (added, onAdded) => {
      setDraft([...rows, added]);
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
