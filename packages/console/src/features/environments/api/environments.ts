import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';

const PAGE = 500;

export function useProjects() {
  return useQuery({
    queryKey: ['projects'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/admin/v1/projects', { params: { query: { limit: PAGE } } }))).items,
  });
}

export function useEnvironments(projectId: string | undefined) {
  return useQuery({
    queryKey: ['environments', projectId],
    enabled: projectId !== undefined,
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/environments', {
            params: { path: { projectId: projectId as string }, query: { limit: PAGE } },
          }),
        )
      ).items,
  });
}

export function useServerKeys(environmentId: string) {
  return useQuery({
    queryKey: ['server-keys', environmentId],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/admin/v1/environments/{id}/server-keys', { params: { path: { id: environmentId } } }),
        )
      ).items,
  });
}

/** The created key's secret is in the answer only: the caller shows it once and keeps it nowhere. */
export function useCreateServerKey(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(
        api.POST('/api/admin/v1/environments/{id}/server-keys', {
          params: { path: { id: environmentId } },
          body: { name },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['server-keys', environmentId] }),
  });
}

export function useDeleteServerKey(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      unwrap(
        api.DELETE('/api/admin/v1/environments/{id}/server-keys/{keyId}', {
          params: { path: { id: environmentId, keyId } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['server-keys', environmentId] }),
  });
}

export function useRotateClientKey(projectId: string, environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/v1/environments/{id}/client-key/rotate', {
          params: { path: { id: environmentId } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['environments', projectId] }),
  });
}
