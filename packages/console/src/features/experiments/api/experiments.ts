import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, NewExperiment, NewMetric } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

const E = '/api/admin/v1/environments/{environmentId}/experiments' as const;
const M = '/api/admin/v1/projects/{projectId}/metrics' as const;
type ExperimentPatch = BodyOf<'/api/admin/v1/environments/{environmentId}/experiments/{experiment}', 'patch'>;
type MetricPatch = BodyOf<'/api/admin/v1/projects/{projectId}/metrics/{metric}', 'patch'>;

export function useExperiments(environmentId: string) {
  return useQuery({
    queryKey: ['experiments', environmentId],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET(E, { params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
}

export function useExperiment(environmentId: string, experiment: string) {
  return useQuery({
    queryKey: ['experiments', environmentId, experiment],
    queryFn: () => unwrap(api.GET(`${E}/{experiment}`, { params: { path: { environmentId, experiment } } })),
  });
}

/** Results as the server last computed them; `refresh` asks it to compute again now. */
export function useExperimentResults(environmentId: string, experiment: string, enabled: boolean) {
  return useQuery({
    queryKey: ['experiments', environmentId, experiment, 'results'],
    enabled,
    queryFn: () =>
      unwrap(api.GET(`${E}/{experiment}/results`, { params: { path: { environmentId, experiment } } })),
  });
}

export function useRefreshResults(environmentId: string, experiment: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.GET(`${E}/{experiment}/results`, {
          params: { path: { environmentId, experiment }, query: { refresh: true } },
        }),
      ),
    onSuccess: (data) => queries.setQueryData(['experiments', environmentId, experiment, 'results'], data),
  });
}

export function useExperimentMutations(environmentId: string) {
  const queries = useQueryClient();
  const onSuccess = () => queries.invalidateQueries({ queryKey: ['experiments', environmentId] });
  const create = useMutation({
    mutationFn: (body: NewExperiment) => unwrap(api.POST(E, { params: { path: { environmentId } }, body })),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ experiment, ...body }: ExperimentPatch & { experiment: string }) =>
      unwrap(api.PATCH(`${E}/{experiment}`, { params: { path: { environmentId, experiment } }, body })),
    onSuccess,
  });
  const start = useMutation({
    mutationFn: (experiment: string) =>
      unwrap(api.POST(`${E}/{experiment}/start`, { params: { path: { environmentId, experiment } } })),
    onSuccess,
  });
  const stop = useMutation({
    mutationFn: (experiment: string) =>
      unwrap(api.POST(`${E}/{experiment}/stop`, { params: { path: { environmentId, experiment } } })),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (experiment: string) =>
      unwrap(api.DELETE(`${E}/{experiment}`, { params: { path: { environmentId, experiment } } })),
    // The list changes; the deleted experiment's own queries (its page is still open until the
    // caller navigates away) are only marked stale: read again, they would answer 404.
    onSuccess: (_data, experiment) =>
      Promise.all([
        queries.invalidateQueries({ queryKey: ['experiments', environmentId], exact: true }),
        queries.invalidateQueries({
          queryKey: ['experiments', environmentId, experiment],
          refetchType: 'none',
        }),
      ]),
  });
  return { create, update, start, stop, remove };
}

export function useMetrics(projectId: string) {
  return useQuery({
    queryKey: ['metrics', projectId],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET(M, { params: { path: { projectId }, query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
}

export function useMetricMutations(projectId: string) {
  const queries = useQueryClient();
  const onSuccess = () => queries.invalidateQueries({ queryKey: ['metrics', projectId] });
  const create = useMutation({
    mutationFn: (body: NewMetric) => unwrap(api.POST(M, { params: { path: { projectId } }, body })),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ metric, ...body }: MetricPatch & { metric: string }) =>
      unwrap(api.PATCH(`${M}/{metric}`, { params: { path: { projectId, metric } }, body })),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (metric: string) =>
      unwrap(api.DELETE(`${M}/{metric}`, { params: { path: { projectId, metric } } })),
    onSuccess,
  });
  return { create, update, remove };
}

/** The project's flags, for choosing the one an experiment runs on (the same cache as the flags screen). */
export function useProjectFeatures(projectId: string) {
  return useQuery({
    queryKey: ['features', projectId],
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

/** The flag's variants here: an experiment's arms, and what its control may be. */
export function useFeatureState(environmentId: string, featureId: string | null) {
  return useQuery({
    queryKey: ['feature-state', environmentId, featureId],
    enabled: featureId !== null,
    queryFn: () =>
      unwrap(
        api.GET('/api/admin/v1/environments/{environmentId}/feature-states/{featureId}', {
          params: { path: { environmentId, featureId: featureId as string } },
        }),
      ),
  });
}
