import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

export type AdminToken = ResponseOf<'/api/admin/v1/admin-tokens', 'get'>['items'][number];
export type TokenRole = AdminToken['role'];
export type NewAdminToken = BodyOf<'/api/admin/v1/admin-tokens', 'post'>;

const key = ['admin-tokens'] as const;

export function useAdminTokens() {
  return useQuery({
    queryKey: key,
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET('/api/admin/v1/admin-tokens', { params: { query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
}

/** The answer carries the token itself: the only time anyone sees it. */
export function useCreateAdminToken() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewAdminToken) => unwrap(api.POST('/api/admin/v1/admin-tokens', { body })),
    onSettled: () => queries.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeAdminToken() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/admin/v1/admin-tokens/{id}', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: key }),
  });
}
