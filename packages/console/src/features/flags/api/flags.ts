import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type {
  BodyOf,
  FeatureState,
  FeatureStatePatch,
  NewFeature,
  NewSegmentOverride,
  SegmentOverridePatch,
} from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

type FeaturePatch = BodyOf<'/api/admin/v1/features/{id}', 'patch'>;

export const featuresKey = (projectId: string) => ['features', projectId] as const;
export const statesKey = (environmentId: string) => ['feature-states', environmentId] as const;

export function useFeatures(projectId: string) {
  return useQuery({
    queryKey: featuresKey(projectId),
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/features', {
            params: { path: { projectId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

function statesQuery(environmentId: string) {
  return {
    queryKey: statesKey(environmentId),
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/environments/{environmentId}/feature-states', {
            params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  };
}

/** The states of every flag, in each of `environmentIds`, keyed by environment then feature id. */
export function useStatesByEnvironment(environmentIds: readonly string[]) {
  const key = environmentIds.join(',');
  // A stable `combine`: TanStack Query then hands back the same maps until a query's data
  // changes, so lists filtered from them (2,000 flags) are not filtered again on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the ids' contents.
  const combine = useCallback(
    (results: { data?: FeatureState[]; isPending: boolean; error: Error | null }[]) => {
      const byEnvironment = new Map<string, Map<string, FeatureState>>();
      environmentIds.forEach((id, i) => {
        const data = results[i]?.data;
        if (data) byEnvironment.set(id, new Map(data.map((state) => [state.feature_id, state])));
      });
      return {
        byEnvironment,
        isPending: results.some((r) => r.isPending),
        error: results.find((r) => r.error)?.error ?? null,
      };
    },
    [key],
  );
  return useQueries({ queries: environmentIds.map(statesQuery), combine });
}

export function useCreateFeature(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewFeature) =>
      unwrap(
        api.POST('/api/admin/v1/projects/{projectId}/features', { params: { path: { projectId } }, body }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['features', projectId] }),
  });
}

/**
 * Changes a flag's state in one environment. The list updates at once (optimistically) so a
 * toggle feels immediate; a refusal puts the old state back and the error is shown.
 */
export function usePatchState(environmentId: string) {
  const queries = useQueryClient();
  const key = statesKey(environmentId);
  return useMutation({
    mutationFn: (input: { featureId: string; patch: FeatureStatePatch }) =>
      unwrap(
        api.PATCH('/api/admin/v1/environments/{environmentId}/feature-states/{featureId}', {
          params: { path: { environmentId, featureId: input.featureId } },
          body: input.patch,
        }),
      ),
    onMutate: async (input) => {
      await queries.cancelQueries({ queryKey: key });
      const before = queries.getQueryData<FeatureState[]>(key);
      queries.setQueryData<FeatureState[]>(key, (states) =>
        states?.map((s) =>
          s.feature_id === input.featureId ? ({ ...s, ...input.patch } as FeatureState) : s,
        ),
      );
      return { before };
    },
    onError: (_error, _input, context) => queries.setQueryData(key, context?.before),
    onSettled: () => queries.invalidateQueries({ queryKey: key }),
  });
}

export function useSegments(projectId: string) {
  return useQuery({
    queryKey: ['segments', projectId],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/segments', {
            params: { path: { projectId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

const overridesKey = (environmentId: string, featureId: string) => [
  'segment-overrides',
  environmentId,
  featureId,
];

/** The flag's segment overrides here, in priority order (the order evaluation walks them). */
export function useSegmentOverrides(environmentId: string, featureId: string) {
  return useQuery({
    queryKey: overridesKey(environmentId, featureId),
    queryFn: async () => {
      const items = await allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/environments/{environmentId}/segment-overrides', {
            params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor, feature_id: featureId } },
          }),
        ),
      );
      return items.sort((a, b) => a.priority - b.priority);
    },
  });
}

export function useSegmentOverrideMutations(environmentId: string, featureId: string) {
  const queries = useQueryClient();
  const onSuccess = () => queries.invalidateQueries({ queryKey: overridesKey(environmentId, featureId) });
  const create = useMutation({
    mutationFn: (body: NewSegmentOverride) =>
      unwrap(
        api.POST('/api/admin/v1/environments/{environmentId}/segment-overrides', {
          params: { path: { environmentId } },
          body,
        }),
      ),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string } & SegmentOverridePatch) =>
      unwrap(
        api.PATCH('/api/admin/v1/environments/{environmentId}/segment-overrides/{id}', {
          params: { path: { environmentId, id } },
          body,
        }),
      ),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/admin/v1/environments/{environmentId}/segment-overrides/{id}', {
          params: { path: { environmentId, id } },
        }),
      ),
    onSuccess,
  });
  return { create, update, remove };
}

/** Changes a flag's own fields (description, tags, owner, server-only, archived). */
export function useUpdateFeature(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: FeaturePatch & { id: string }) =>
      unwrap(api.PATCH('/api/admin/v1/features/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: featuresKey(projectId) }),
  });
}

export function useDeleteFeature(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/admin/v1/features/{id}', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: featuresKey(projectId) }),
  });
}

const favouritesKey = (projectId: string) => ['favourites', projectId] as const;

/** The signed-in person's favourite flags, as a set of feature ids. */
export function useFavourites(projectId: string) {
  return useQuery({
    queryKey: favouritesKey(projectId),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET('/api/admin/v1/projects/{projectId}/favourites', { params: { path: { projectId } } }),
      );
      return new Set(answer.feature_ids);
    },
  });
}

/** Marks or unmarks a favourite at once in the list, putting it back if the server refuses. */
export function useSetFavourite(projectId: string) {
  const queries = useQueryClient();
  const key = favouritesKey(projectId);
  return useMutation({
    mutationFn: ({ id, favourite }: { id: string; favourite: boolean }) =>
      unwrap(
        favourite
          ? api.PUT('/api/admin/v1/features/{id}/favourite', { params: { path: { id } } })
          : api.DELETE('/api/admin/v1/features/{id}/favourite', { params: { path: { id } } }),
      ),
    onMutate: async ({ id, favourite }) => {
      await queries.cancelQueries({ queryKey: key });
      const before = queries.getQueryData<Set<string>>(key);
      const next = new Set(before);
      if (favourite) next.add(id);
      else next.delete(id);
      queries.setQueryData(key, next);
      return { before };
    },
    onError: (_error, _input, context) => queries.setQueryData(key, context?.before),
    onSettled: () => queries.invalidateQueries({ queryKey: key }),
  });
}

/** Evaluations per flag per day in one environment over the last `days` days. */
export function useFlagUsage(environmentId: string, days: number, featureId?: string) {
  return useQuery({
    queryKey: ['flag-usage', environmentId, days, featureId ?? null],
    queryFn: () =>
      unwrap(
        api.GET('/api/admin/v1/environments/{environmentId}/flag-usage', {
          params: {
            path: { environmentId },
            query: { days, ...(featureId ? { feature_id: featureId } : {}) },
          },
        }),
      ),
  });
}

const identityOverridesKey = (environmentId: string, featureId: string) => [
  'identity-overrides',
  environmentId,
  featureId,
];

/** Who has their own override of the flag here. */
export function useFeatureIdentityOverrides(environmentId: string, featureId: string) {
  return useQuery({
    queryKey: identityOverridesKey(environmentId, featureId),
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/environments/{environmentId}/identity-overrides', {
            params: { path: { environmentId }, query: { feature_id: featureId, limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

export function useRemoveIdentityOverride(environmentId: string, featureId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (identityId: string) =>
      unwrap(
        api.DELETE('/api/admin/v1/environments/{environmentId}/identities/{id}/overrides/{featureId}', {
          params: { path: { environmentId, id: identityId, featureId } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: identityOverridesKey(environmentId, featureId) }),
  });
}

/** The experiments of this environment that run on the flag. */
export function useExperimentsOfFeature(environmentId: string, featureId: string) {
  return useQuery({
    queryKey: ['experiments', environmentId],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/environments/{environmentId}/experiments', {
            params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
    select: (experiments) => experiments.filter((e) => e.feature_id === featureId),
  });
}
