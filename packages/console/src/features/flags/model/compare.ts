import type { Change, Feature, FeatureState, SegmentOverride, Variant } from '../../../lib/api-types.js';

/** One flag's configuration in one environment: its state and its segment overrides there. */
export interface FlagConfig {
  state: FeatureState | undefined;
  overrides: readonly SegmentOverride[];
}

/**
 * How a flag differs between two environments, in words, one line per difference; empty when
 * they are configured alike. Overrides are matched by segment; priorities compare by order.
 * @example
 * differences(flag, a, b, names); // ['enabled: on → off', 'segment "beta": only in the first']
 */
export function differences(
  feature: Feature,
  from: FlagConfig,
  to: FlagConfig,
  segmentName: (id: string) => string,
): string[] {
  const lines: string[] = [];
  const a = from.state;
  const b = to.state;
  if ((a?.enabled ?? false) !== (b?.enabled ?? false))
    lines.push(`enabled: ${onOff(a?.enabled)} → ${onOff(b?.enabled)}`);
  if (feature.type !== 'boolean' && !same(a?.value ?? null, b?.value ?? null))
    lines.push(`value: ${show(a?.value)} → ${show(b?.value)}`);
  if (!same(variantsOf(a?.variants), variantsOf(b?.variants)))
    lines.push(`variants: ${variantsText(a?.variants)} → ${variantsText(b?.variants)}`);
  if ((a?.rollout_percentage ?? null) !== (b?.rollout_percentage ?? null))
    lines.push(`rollout: ${percent(a?.rollout_percentage)} → ${percent(b?.rollout_percentage)}`);
  const order = (list: readonly SegmentOverride[]) =>
    [...list].sort((x, y) => x.priority - y.priority).map((o) => o.segment_id);
  const inB = new Map(to.overrides.map((o) => [o.segment_id, o]));
  const inA = new Map(from.overrides.map((o) => [o.segment_id, o]));
  for (const o of from.overrides) {
    const other = inB.get(o.segment_id);
    const name = `segment "${segmentName(o.segment_id)}"`;
    if (!other) lines.push(`${name}: only in the first`);
    else if (!same(overrideShape(o), overrideShape(other))) lines.push(`${name}: overrides differently`);
  }
  for (const o of to.overrides)
    if (!inA.has(o.segment_id)) lines.push(`segment "${segmentName(o.segment_id)}": only in the second`);
  const shared = (list: string[], keep: Map<string, SegmentOverride>) => list.filter((id) => keep.has(id));
  if (!same(shared(order(from.overrides), inB), shared(order(to.overrides), inA)))
    lines.push('segment overrides are tried in a different order');
  return lines;
}

/**
 * The changes that make the flag in the target environment configured as in the source: its
 * state, every override of the source (set, in the source's priorities) and the removal of
 * overrides the source does not have. As change-request changes, which the console applies
 * directly or proposes, the same list either way.
 */
export function copyChanges(feature: Feature, from: FlagConfig, to: FlagConfig): Change[] {
  const state = from.state;
  const changes: Change[] = [
    {
      kind: 'feature_state',
      feature: feature.id,
      enabled: state?.enabled ?? false,
      ...(feature.type === 'boolean' ? {} : { value: state?.value ?? null }),
      variants: variantsOf(state?.variants),
      rollout_percentage: state?.rollout_percentage ?? null,
    },
  ];
  const sourceSegments = new Set(from.overrides.map((o) => o.segment_id));
  for (const o of to.overrides)
    if (!sourceSegments.has(o.segment_id))
      changes.push({ kind: 'segment_override', segment: o.segment_id, feature: feature.id, delete: true });
  for (const o of from.overrides)
    changes.push({
      kind: 'segment_override',
      segment: o.segment_id,
      feature: feature.id,
      ...overrideShape(o),
    });
  return changes;
}

function overrideShape(o: SegmentOverride) {
  return {
    enabled: o.enabled,
    value: o.value,
    variants: variantsOf(o.variants),
    priority: o.priority,
    rollout_percentage: o.rollout_percentage,
  };
}

/** Variants as the API takes them back: key, value and weight, in evaluation order. */
function variantsOf(variants: readonly Variant[] | undefined): Variant[] {
  return (variants ?? []).map((v) => ({ key: v.key, value: v.value, weight: v.weight }));
}

function variantsText(variants: readonly Variant[] | undefined): string {
  return variants && variants.length > 0 ? variants.map((v) => `${v.key} ${v.weight}%`).join(', ') : 'none';
}

const onOff = (enabled: boolean | undefined) => (enabled ? 'on' : 'off');
const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? 'everyone' : `${value}%`;
const show = (value: unknown) => (value === null || value === undefined ? 'none' : JSON.stringify(value));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
