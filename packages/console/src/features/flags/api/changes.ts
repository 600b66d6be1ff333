import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf } from '../../../lib/api-types.js';

type NewChangeRequest = BodyOf<'/api/admin/v1/environments/{environmentId}/change-requests', 'post'>;
type NewScheduledChange = BodyOf<'/api/admin/v1/environments/{environmentId}/scheduled-changes', 'post'>;

/** Proposes flag changes in an environment that takes them only through review. */
export function useProposeChange(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewChangeRequest) =>
      unwrap(
        api.POST('/api/admin/v1/environments/{environmentId}/change-requests', {
          params: { path: { environmentId } },
          body,
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['change-requests', environmentId] }),
  });
}

/** Schedules flag changes to apply at a later time ("apply at…"). */
export function useScheduleChange(environmentId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewScheduledChange) =>
      unwrap(
        api.POST('/api/admin/v1/environments/{environmentId}/scheduled-changes', {
          params: { path: { environmentId } },
          body,
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['scheduled-changes', environmentId] }),
  });
}
