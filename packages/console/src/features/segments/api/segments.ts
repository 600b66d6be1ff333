import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { NewSegment } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

const key = (projectId: string) => ['segments', projectId];

export function useSegments(projectId: string) {
  return useQuery({
    queryKey: key(projectId),
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

export function useSegmentMutations(projectId: string) {
  const queries = useQueryClient();
  const onSuccess = () => queries.invalidateQueries({ queryKey: key(projectId) });
  const create = useMutation({
    mutationFn: (body: NewSegment) =>
      unwrap(
        api.POST('/api/admin/v1/projects/{projectId}/segments', { params: { path: { projectId } }, body }),
      ),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: (input: { id: string } & Partial<NewSegment>) => {
      const { id, ...body } = input;
      return unwrap(api.PATCH('/api/admin/v1/segments/{id}', { params: { path: { id } }, body }));
    },
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/admin/v1/segments/{id}', { params: { path: { id } } })),
    onSuccess,
  });
  return { create, update, remove };
}
