import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

export type Member = ResponseOf<'/api/admin/v1/projects/{projectId}/members', 'get'>['items'][number];
export type ProjectRole = Member['role'];
export type EnvironmentAccess = Member['environments'][string];
export type NewMember = BodyOf<'/api/admin/v1/projects/{projectId}/members', 'post'>;
export type MemberPatch = BodyOf<'/api/admin/v1/projects/{projectId}/members/{userId}', 'patch'>;
export type OrganisationUser = ResponseOf<'/api/admin/v1/users/{id}', 'get'>;

const key = (projectId: string) => ['project-members', projectId] as const;

export function useMembers(projectId: string) {
  return useQuery({
    queryKey: key(projectId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/members', { params: { path: { projectId } } }),
        )
      ).items,
  });
}

/** The organisation's people, to pick one to add; only organisation admins may list them. */
export function useOrganisationUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    enabled,
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET('/api/admin/v1/users', { params: { query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
}

export function useAddMember(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewMember) =>
      unwrap(
        api.POST('/api/admin/v1/projects/{projectId}/members', { params: { path: { projectId } }, body }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: key(projectId) }),
  });
}

export function useUpdateMember(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: string; patch: MemberPatch }) =>
      unwrap(
        api.PATCH('/api/admin/v1/projects/{projectId}/members/{userId}', {
          params: { path: { projectId, userId: input.userId } },
          body: input.patch,
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: key(projectId) }),
  });
}

export function useRemoveMember(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.DELETE('/api/admin/v1/projects/{projectId}/members/{userId}', {
          params: { path: { projectId, userId } },
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: key(projectId) }),
  });
}
