import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

const COLLECTION = '/api/admin/v1/environments/{environmentId}/change-requests';
export type ChangeRequest = ResponseOf<`${typeof COLLECTION}/{id}`, 'get'>;
export type ChangeRequestStatus = ChangeRequest['status'];
export type ScheduledChange = ResponseOf<
  '/api/admin/v1/environments/{environmentId}/scheduled-changes/{id}',
  'get'
>;

const listKey = (environmentId: string) => ['change-requests', environmentId];

export function useChangeRequests(environmentId: string, status: ChangeRequestStatus | undefined) {
  return useQuery({
    queryKey: [...listKey(environmentId), 'list', status ?? 'all'],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET(COLLECTION, {
            params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor, status } },
          }),
        ),
      ),
  });
}

/** One request with its diff, read fresh: `moved` says whether committing would be refused now. */
export function useChangeRequest(environmentId: string, id: string) {
  return useQuery({
    queryKey: [...listKey(environmentId), 'one', id],
    queryFn: () => unwrap(api.GET(`${COLLECTION}/{id}`, { params: { path: { environmentId, id } } })),
    staleTime: 0,
  });
}

export type ReviewAction = 'approve' | 'reject' | 'cancel' | 'commit';

/**
 * Approve, reject, cancel or commit. Approving names the revision reviewed, so a revision made
 * meanwhile is refused instead of approved unseen. Committing changes flags: their lists reload.
 */
export function useReviewAction(environmentId: string, id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (input: { action: ReviewAction; revision: number }) => {
      const path = { environmentId, id };
      switch (input.action) {
        case 'approve':
          return unwrap(
            api.POST(`${COLLECTION}/{id}/approve`, { params: { path, query: { revision: input.revision } } }),
          );
        case 'reject':
          return unwrap(api.POST(`${COLLECTION}/{id}/reject`, { params: { path } }));
        case 'cancel':
          return unwrap(api.POST(`${COLLECTION}/{id}/cancel`, { params: { path } }));
        case 'commit':
          return unwrap(api.POST(`${COLLECTION}/{id}/commit`, { params: { path } }));
      }
    },
    onSettled: async () => {
      await queries.invalidateQueries({ queryKey: listKey(environmentId) });
      await queries.invalidateQueries({ queryKey: historyKey(id) });
      await queries.invalidateQueries({ queryKey: ['feature-states', environmentId] });
      await queries.invalidateQueries({ queryKey: ['segment-overrides', environmentId] });
    },
  });
}

export type ChangeRequestRevision = BodyOf<`${typeof COLLECTION}/{id}`, 'patch'>;

/**
 * Revises a request (its author only): new changes make a new revision and the approvals
 * start over; a new title or description alone does not.
 */
export function useReviseChangeRequest(environmentId: string, id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangeRequestRevision) =>
      unwrap(api.PATCH(`${COLLECTION}/{id}`, { params: { path: { environmentId, id } }, body })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: listKey(environmentId) });
      await queries.invalidateQueries({ queryKey: historyKey(id) });
    },
  });
}

const historyKey = (id: string) => ['audit-log', 'change-request', id];

/**
 * Every step of one request, newest first, from the audit log, which keeps each revision's
 * changes before and after. `enabled` is the 'audit.read' permission.
 */
export function useChangeRequestHistory(id: string, enabled: boolean) {
  return useQuery({
    queryKey: historyKey(id),
    enabled,
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/audit-log', {
            params: {
              query: { resource_type: 'change_request', resource_id: id, limit: PAGE_LIMIT, cursor },
            },
          }),
        ),
      ),
  });
}

export function useScheduledChanges(environmentId: string) {
  return useQuery({
    queryKey: ['scheduled-changes', environmentId],
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/environments/{environmentId}/scheduled-changes', {
            params: { path: { environmentId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

export function useCancelScheduledChange(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/admin/v1/environments/{environmentId}/scheduled-changes/{id}', {
          params: { path: { environmentId, id } },
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: ['scheduled-changes', environmentId] }),
  });
}

/** Sets or lifts an environment's protection (`requires_approval`: N approvals, or null). */
export function useProtectEnvironment(projectId: string, environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (requires_approval: number | null) =>
      unwrap(
        api.PATCH('/api/admin/v1/environments/{id}', {
          params: { path: { id: environmentId } },
          body: { requires_approval },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['environments', projectId] }),
  });
}
