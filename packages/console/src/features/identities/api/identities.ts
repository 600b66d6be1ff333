import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';

const A = '/api/admin/v1/environments/{environmentId}/identities' as const;

/** Identities whose identifier starts with `prefix` (the server's prefix search), first page only. */
export function useIdentitySearch(environmentId: string, prefix: string) {
  return useQuery({
    queryKey: ['identities', environmentId, prefix],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET(A, {
          params: { path: { environmentId }, query: { limit: 50, ...(prefix ? { q: prefix } : {}) } },
        }),
      ),
  });
}

export function useIdentity(environmentId: string, id: string) {
  return useQuery({
    queryKey: ['identity', environmentId, id],
    queryFn: () => unwrap(api.GET(`${A}/{id}`, { params: { path: { environmentId, id } } })),
  });
}

/** Every flag as the engine decides it for this identity now, with what decided. */
export function useIdentityEvaluation(environmentId: string, id: string) {
  return useQuery({
    queryKey: ['identity', environmentId, id, 'evaluation'],
    queryFn: () => unwrap(api.GET(`${A}/{id}/evaluation`, { params: { path: { environmentId, id } } })),
  });
}

export function useCreateIdentity(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (identifier: string) =>
      unwrap(api.POST(A, { params: { path: { environmentId } }, body: { identifier } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['identities', environmentId] }),
  });
}

/** Changes to one identity; each refreshes the identity and its evaluation (overrides change it). */
export function useIdentityMutations(environmentId: string, id: string) {
  const queries = useQueryClient();
  const onSuccess = () => queries.invalidateQueries({ queryKey: ['identity', environmentId, id] });
  const patchTraits = useMutation({
    mutationFn: (traits: Record<string, string | number | boolean | null>) =>
      unwrap(api.PATCH(`${A}/{id}/traits`, { params: { path: { environmentId, id } }, body: { traits } })),
    onSuccess,
  });
  const putOverride = useMutation({
    mutationFn: (input: { featureId: string; enabled: boolean; value: unknown }) =>
      unwrap(
        api.PUT(`${A}/{id}/overrides/{featureId}`, {
          params: { path: { environmentId, id, featureId: input.featureId } },
          body: { enabled: input.enabled, value: input.value },
        }),
      ),
    onSuccess,
  });
  const deleteOverride = useMutation({
    mutationFn: (featureId: string) =>
      unwrap(
        api.DELETE(`${A}/{id}/overrides/{featureId}`, { params: { path: { environmentId, id, featureId } } }),
      ),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE(`${A}/{id}`, { params: { path: { environmentId, id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['identities', environmentId] }),
  });
  return { patchTraits, putOverride, deleteOverride, remove };
}
