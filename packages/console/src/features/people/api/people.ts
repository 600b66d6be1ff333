import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

export type User = ResponseOf<'/api/admin/v1/users/{id}', 'get'>;
export type OrganisationRole = User['role'];
export type NewInvitation = BodyOf<'/api/admin/v1/invitations', 'post'>;

export function useUsers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET('/api/admin/v1/users', { params: { query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
}

export function useChangeRole() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; role: OrganisationRole }) =>
      unwrap(
        api.PATCH('/api/admin/v1/users/{id}', {
          params: { path: { id: input.id } },
          body: { role: input.role },
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useInvitations() {
  return useQuery({
    queryKey: ['invitations'],
    // Pending invitations are few (they expire): the API answers them in one list.
    queryFn: async () => (await unwrap(api.GET('/api/admin/v1/invitations', {}))).items,
  });
}

/** The answer holds the invitation link: the only time it is shown. */
export function useInvite() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewInvitation) => unwrap(api.POST('/api/admin/v1/invitations', { body })),
    onSettled: () => queries.invalidateQueries({ queryKey: ['invitations'] }),
  });
}

export function useWithdrawInvitation() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/admin/v1/invitations/{id}', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: ['invitations'] }),
  });
}
