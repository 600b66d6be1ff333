import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { Change, SegmentOverride } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';
import { statesKey } from './flags.js';

const allOverridesKey = (environmentId: string) => ['segment-overrides', environmentId, 'all'];

/** Every segment override of each environment (all flags), keyed by environment id. */
export function useOverridesByEnvironment(environmentIds: readonly string[]) {
  const results = useQueries({
    queries: environmentIds.map((environmentId) => ({
      queryKey: allOverridesKey(environmentId),
      queryFn: () =>
        allPages((cursor) =>
          unwrap(
            api.GET('/api/admin/v1/environments/{environmentId}/segment-overrides', {
              params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor } },
            }),
          ),
        ),
    })),
  });
  const byEnvironment = new Map<string, SegmentOverride[]>();
  environmentIds.forEach((id, i) => {
    const data = results[i]?.data;
    if (data) byEnvironment.set(id, data);
  });
  return {
    byEnvironment,
    isPending: results.some((r) => r.isPending),
    error: results.find((r) => r.error)?.error ?? null,
  };
}

export type CopyResult = { kind: 'applied' } | { kind: 'proposed'; changeRequestId: string };

/**
 * Makes a flag in `environmentId` configured as in another environment: directly, change by
 * change, or as one change request when the environment needs approval or the person may only
 * propose there. The changes are the same list either way (model/compare.ts).
 */
export function useCopyFlag() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (input: {
      environmentId: string;
      changes: Change[];
      propose: boolean;
      title: string;
      description: string;
      targetOverrides: readonly SegmentOverride[];
    }): Promise<CopyResult> => {
      const { environmentId } = input;
      if (input.propose) {
        const created = await unwrap(
          api.POST('/api/admin/v1/environments/{environmentId}/change-requests', {
            params: { path: { environmentId } },
            body: { title: input.title, description: input.description, changes: input.changes },
          }),
        );
        return { kind: 'proposed', changeRequestId: created.id };
      }
      const existing = new Map(input.targetOverrides.map((o) => [`${o.segment_id} ${o.feature_id}`, o.id]));
      for (const change of input.changes) await applyOne(environmentId, change, existing);
      return { kind: 'applied' };
    },
    onSettled: async (_result, _error, input) => {
      await queries.invalidateQueries({ queryKey: statesKey(input.environmentId) });
      await queries.invalidateQueries({ queryKey: ['segment-overrides', input.environmentId] });
    },
  });
}

async function applyOne(environmentId: string, change: Change, existing: Map<string, string>): Promise<void> {
  const path = { environmentId };
  if (change.kind === 'feature_state') {
    const { kind: _kind, feature, force: _force, ...body } = change;
    await unwrap(
      api.PATCH('/api/admin/v1/environments/{environmentId}/feature-states/{featureId}', {
        params: { path: { ...path, featureId: feature } },
        body,
      }),
    );
    return;
  }
  if (change.kind !== 'segment_override') return;
  const { kind: _kind, segment, feature, delete: remove, force: _force, ...body } = change;
  const id = existing.get(`${segment} ${feature}`);
  if (remove) {
    if (id)
      await unwrap(
        api.DELETE('/api/admin/v1/environments/{environmentId}/segment-overrides/{id}', {
          params: { path: { ...path, id } },
        }),
      );
    return;
  }
  if (id) {
    await unwrap(
      api.PATCH('/api/admin/v1/environments/{environmentId}/segment-overrides/{id}', {
        params: { path: { ...path, id } },
        body,
      }),
    );
    return;
  }
  await unwrap(
    api.POST('/api/admin/v1/environments/{environmentId}/segment-overrides', {
      params: { path },
      body: { ...body, enabled: body.enabled ?? false, segment_id: segment, feature_id: feature },
    }),
  );
}
