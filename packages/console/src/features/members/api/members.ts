import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

export type Member = ResponseOf<'/api/admin/v1/projects/{projectId}/members', 'get'>['items'][number];
export type ProjectRole = Member['role'];
export type EnvironmentAccess = Member['environments'][string];
export type NewMember = BodyOf<'/api/admin/v1/projects/{projectId}/members', 'post'>;
export type MemberPatch = BodyOf<'/api/admin/v1/projects/{projectId}/members/{userId}', 'patch'>;
export type Candidate = ResponseOf<
  '/api/admin/v1/projects/{projectId}/member-candidates',
  'get'
>['items'][number];

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

const candidatesKey = (projectId: string) => ['member-candidates', projectId] as const;

/**
 * Whom the project's admins may add: the organisation's members not in it yet. Read through
 * the project, so a project admin who is an ordinary member can pick people too.
 */
export function useCandidates(projectId: string, enabled: boolean) {
  return useQuery({
    queryKey: candidatesKey(projectId),
    enabled,
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/member-candidates', {
            params: { path: { projectId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

/** Adding or removing someone changes both lists: the members, and whom one may still add. */
function invalidateMembership(queries: QueryClient, projectId: string) {
  return Promise.all([
    queries.invalidateQueries({ queryKey: key(projectId) }),
    queries.invalidateQueries({ queryKey: candidatesKey(projectId) }),
  ]);
}

export function useAddMember(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewMember) =>
      unwrap(
        api.POST('/api/admin/v1/projects/{projectId}/members', { params: { path: { projectId } }, body }),
      ),
    onSettled: () => invalidateMembership(queries, projectId),
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
    onSettled: () => invalidateMembership(queries, projectId),
  });
}
