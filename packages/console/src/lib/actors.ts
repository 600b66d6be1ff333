import { useQuery } from '@tanstack/react-query';
import { useCan } from './access.js';
import { api } from './api.js';
import { unwrap } from './api-client.js';
import { useMe } from './me.js';
import { allPages, PAGE_LIMIT } from './pages.js';

/** Who did something, as the API names them: a user, an admin token, or the server itself. */
export interface ActorRef {
  kind: 'user' | 'token' | 'system';
  id: string;
}

/**
 * Names actors for display: "you", a person's name (when the signed-in person may list people),
 * "token …" or "system …". Reads the people list once for the whole console.
 */
export function useActorName(): (actor: ActorRef) => string {
  const me = useMe().data;
  const mayList = useCan('users.read').allowed;
  const users = useQuery({
    queryKey: ['users'],
    enabled: mayList,
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET('/api/admin/v1/users', { params: { query: { limit: PAGE_LIMIT, cursor } } })),
      ),
  });
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name || u.email]));
  return (actor) => {
    if (actor.kind === 'user' && me?.user?.id === actor.id) return 'you';
    if (actor.kind === 'user') return names.get(actor.id) ?? `user ${actor.id}`;
    return `${actor.kind} ${actor.id}`;
  };
}

/** The signed-in person as an actor, for "is this mine?" checks. */
export function useSelf(): ActorRef | undefined {
  const me = useMe().data;
  return me?.user ? { kind: 'user', id: me.user.id } : undefined;
}
