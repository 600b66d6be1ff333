import type { FlagResult, SegmentResult } from '@pennon/engine';
import { SEGMENT_REASON_PREFIX } from '@pennon/engine';
import type { EvaluationService } from '../evaluation/evaluation.service.js';
import { ROLLOUT_SOURCE } from '../evaluation/rollouts.js';
import { IDENTITY_OVERRIDE_SOURCE } from '../evaluation/snapshot.js';
import type { IdentitiesService } from './identities.service.js';
import type { Decider, EvaluatedIdentityFlag, IdentityEvaluation } from './identity-evaluation.schema.js';

/**
 * "Why does this user get this?": a stored identity evaluated by the engine on the
 * environment's compiled snapshot, exactly as a server key would see it (server-only flags
 * included, reasons unredacted), without storing anything or counting as an SDK read.
 */
export class IdentityEvaluationService {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly evaluation: EvaluationService,
  ) {}

  /** Throws `environment_not_found` / `identity_not_found` as reading the identity does. */
  async evaluate(
    organisationId: string,
    environmentRef: string,
    identityRef: string,
  ): Promise<IdentityEvaluation> {
    const identity = await this.identities.get(organisationId, environmentRef, identityRef);
    const snapshot = await this.evaluation.snapshot(identity.environment_id);
    const result = snapshot.compiled.evaluate({ identifier: identity.identifier, traits: identity.traits });
    const flags: EvaluatedIdentityFlag[] = [];
    for (const feature of snapshot.features.values()) {
      const flag = result.flags[feature.key];
      if (!flag) continue;
      const { decided_by, segment } = decider(flag, result.segments);
      flags.push({
        feature_id: feature.id,
        feature_key: feature.key,
        type: feature.type,
        server_key_only: feature.serverKeyOnly,
        enabled: flag.enabled,
        value: flag.value ?? null,
        variant: flag.variant ?? null,
        reason: flag.reason,
        decided_by,
        segment,
      });
    }
    return {
      identity_id: identity.id,
      identifier: identity.identifier,
      environment_id: identity.environment_id,
      traits: identity.traits,
      segments: result.segments.flatMap((s) => {
        const id = segmentId(s);
        return id ? [{ id, name: s.name }] : [];
      }),
      flags,
    };
  }
}

/**
 * Reads what decided from the reason. Segment names are unique within a project, and the
 * engine reports each matched segment with its metadata, so the name finds the segment; the
 * override and rollout segments the snapshot adds carry their `source` instead of an id.
 */
function decider(
  flag: FlagResult,
  matched: readonly SegmentResult[],
): { decided_by: Decider; segment: { id: string; name: string } | null } {
  if (flag.reason.startsWith('SPLIT')) return { decided_by: 'split', segment: null };
  if (!flag.reason.startsWith(SEGMENT_REASON_PREFIX)) return { decided_by: 'environment', segment: null };
  const name = flag.reason.slice(SEGMENT_REASON_PREFIX.length);
  const found = matched.find((s) => s.name === name);
  const source = found?.metadata?.source;
  if (source === IDENTITY_OVERRIDE_SOURCE) return { decided_by: 'identity_override', segment: null };
  if (source === ROLLOUT_SOURCE) {
    // A segment override's rollout keeps its segment's id; an environment rollout has none.
    const id = found?.metadata?.id;
    return { decided_by: 'rollout', segment: typeof id === 'string' ? { id, name } : null };
  }
  const id = found ? segmentId(found) : undefined;
  return { decided_by: 'segment', segment: id ? { id, name } : null };
}

function segmentId(segment: SegmentResult): string | undefined {
  const metadata = segment.metadata;
  if (!metadata || metadata.source !== undefined) return undefined;
  return typeof metadata.id === 'string' ? metadata.id : undefined;
}
