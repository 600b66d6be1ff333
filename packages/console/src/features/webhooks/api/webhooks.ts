import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf, ResponseOf } from '../../../lib/api-types.js';
import { allPages, PAGE_LIMIT } from '../../../lib/pages.js';

export type Webhook = ResponseOf<'/api/admin/v1/webhooks/{id}', 'get'>;
export type EventGroup = Webhook['events'][number];
export type NewWebhook = BodyOf<'/api/admin/v1/projects/{projectId}/webhooks', 'post'>;
export type WebhookPatch = BodyOf<'/api/admin/v1/webhooks/{id}', 'patch'>;
export type Delivery = ResponseOf<'/api/admin/v1/webhooks/{id}/deliveries', 'get'>['items'][number];

const listKey = (projectId: string) => ['webhooks', projectId] as const;
const deliveriesKey = (id: string) => ['webhook-deliveries', id] as const;

export function useWebhooks(projectId: string) {
  return useQuery({
    queryKey: listKey(projectId),
    queryFn: () =>
      allPages((cursor) =>
        unwrap(
          api.GET('/api/admin/v1/projects/{projectId}/webhooks', {
            params: { path: { projectId }, query: { limit: PAGE_LIMIT, cursor } },
          }),
        ),
      ),
  });
}

/** The answer carries the signing secret: the only time it is shown. */
export function useCreateWebhook(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: NewWebhook) =>
      unwrap(
        api.POST('/api/admin/v1/projects/{projectId}/webhooks', { params: { path: { projectId } }, body }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: listKey(projectId) }),
  });
}

export function useUpdateWebhook(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; patch: WebhookPatch }) =>
      unwrap(
        api.PATCH('/api/admin/v1/webhooks/{id}', { params: { path: { id: input.id } }, body: input.patch }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: listKey(projectId) }),
  });
}

export function useDeleteWebhook(projectId: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/admin/v1/webhooks/{id}', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: listKey(projectId) }),
  });
}

/** Deliveries per page: the newest first, older ones a page at a time on request. */
export const DELIVERIES_PAGE = 50;

/**
 * The delivery log, newest first, by pages of the API's cursor: `fetchNextPage` loads the
 * next older page. A log can be long (every change of a busy project), so it is never read
 * whole.
 */
export function useDeliveries(id: string) {
  return useInfiniteQuery({
    queryKey: deliveriesKey(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/admin/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { limit: DELIVERIES_PAGE, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // The worker sends in the background: while something waits, look again shortly (every
    // loaded page is read again, from the newest, so the cursors stay in step).
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((d) => d.status === 'pending')) ? 1500 : false,
  });
}

/** Queues a `ping`; the delivery log then shows it pending, then its outcome. */
export function useSendTest(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/v1/webhooks/{id}/test', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}
