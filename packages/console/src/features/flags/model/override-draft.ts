import type { Change, SegmentOverride } from '../../../lib/api-types.js';
import { reorder } from './priorities.js';

/**
 * One segment override as the flag page edits it before proposing: the fields a person can
 * change there. A segment overrides a feature at most once per environment, so the segment
 * names the row.
 */
export interface OverrideDraft {
  segment_id: string;
  enabled: boolean;
  value: unknown;
  priority: number;
}

/** What one proposed change does to one override: the change itself, and the override before and after. */
export interface OverrideChange {
  segment_id: string;
  change: Change;
  /** Null: the override is created. */
  before: Omit<OverrideDraft, 'segment_id'> | null;
  /** Null: the override is removed. */
  after: Omit<OverrideDraft, 'segment_id'> | null;
}

const FIELDS = ['enabled', 'value', 'priority'] as const;

/** The stored overrides as drafts, in the order evaluation tries them. */
export function draftsOf(stored: readonly SegmentOverride[]): OverrideDraft[] {
  return [...stored]
    .sort((a, b) => a.priority - b.priority)
    .map(({ segment_id, enabled, value, priority }) => ({ segment_id, enabled, value, priority }));
}

/** `drafts` with one row's fields replaced. */
export function editDraft(
  drafts: readonly OverrideDraft[],
  segmentId: string,
  fields: Partial<Omit<OverrideDraft, 'segment_id'>>,
): OverrideDraft[] {
  return drafts.map((d) => (d.segment_id === segmentId ? { ...d, ...fields } : d));
}

/** `drafts` with the row at `from` moved to `to`, renumbered as a direct reorder would be. */
export function moveDraft(drafts: readonly OverrideDraft[], from: number, to: number): OverrideDraft[] {
  const patches = new Map(
    reorder(
      drafts.map((d) => ({ id: d.segment_id, priority: d.priority })),
      from,
      to,
    ).map((p) => [p.id, p.priority]),
  );
  return drafts
    .map((d) => ({ ...d, priority: patches.get(d.segment_id) ?? d.priority }))
    .sort((a, b) => a.priority - b.priority);
}

const fieldsOf = ({ enabled, value, priority }: OverrideDraft) => ({ enabled, value, priority });
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The changes (as a change request's `changes[]` takes them) that turn the stored overrides of
 * one feature into `drafts`: removals, then edits and creations in the drafts' order, each
 * carrying only the fields that differ, with the override before and after for the diff shown
 * before proposing. Empty when the drafts are what is stored.
 * @example
 * overrideChanges('f1', [{ segment_id: 's1', enabled: false, value: null, priority: 0, … }],
 *   [{ segment_id: 's1', enabled: true, value: null, priority: 0 }])
 * // → [{ segment_id: 's1', change: { kind: 'segment_override', segment: 's1', feature: 'f1', enabled: true }, … }]
 */
export function overrideChanges(
  featureId: string,
  stored: readonly SegmentOverride[],
  drafts: readonly OverrideDraft[],
): OverrideChange[] {
  const target = (segment: string) => ({ kind: 'segment_override' as const, segment, feature: featureId });
  const kept = new Set(drafts.map((d) => d.segment_id));
  const before = new Map(draftsOf(stored).map((d) => [d.segment_id, d]));
  const changes: OverrideChange[] = [];
  for (const [segment, old] of before)
    if (!kept.has(segment))
      changes.push({
        segment_id: segment,
        change: { ...target(segment), delete: true },
        before: fieldsOf(old),
        after: null,
      });
  for (const draft of drafts) {
    const old = before.get(draft.segment_id);
    const differing = FIELDS.filter((field) => !old || !same(old[field], draft[field]));
    if (differing.length === 0) continue;
    const fields = Object.fromEntries(differing.map((field) => [field, draft[field]]));
    changes.push({
      segment_id: draft.segment_id,
      change: { ...target(draft.segment_id), ...fields } as Change,
      before: old ? fieldsOf(old) : null,
      after: fieldsOf(draft),
    });
  }
  return changes;
}

/**
 * Whether the stored overrides differ from those a draft began from (`base`), in any field a
 * draft edits or in which segments have one: then someone changed them meanwhile.
 * @example
 * overridesMoved(base, stored); // true once another person's commit changed a value
 */
export function overridesMoved(
  base: readonly SegmentOverride[],
  stored: readonly SegmentOverride[],
): boolean {
  return JSON.stringify(draftsOf(base)) !== JSON.stringify(draftsOf(stored));
}
