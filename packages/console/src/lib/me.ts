import { useQuery } from '@tanstack/react-query';
import { api } from './api.js';
import { unwrap } from './api-client.js';
import type { ResponseOf } from './api-types.js';

/** Who is signed in, their organisation, and their roles: the answer of `GET /auth/me`. */
export type Me = ResponseOf<'/api/admin/v1/auth/me', 'get'>;

export const meKey = ['auth', 'me'] as const;

/** Reads `/auth/me` and hands its CSRF token to the API client for later changes. */
export async function fetchMe(): Promise<Me> {
  const me = await unwrap(api.GET('/api/admin/v1/auth/me', {}));
  api.setCsrfToken(me.csrf_token ?? undefined);
  return me;
}

/**
 * Who is signed in, read once and shared by every screen (roles decide what is editable); a
 * 401 means nobody (the error is an ApiError with status 401).
 */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
}
