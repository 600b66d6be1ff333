import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';

/*
 * The session contract agreed with the teams-auth branch. Its routes are not in the server's
 * OpenAPI document yet, so these shapes are stated here once; when that branch lands they are
 * generated like every other type and this block goes.
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
}
export type EnvironmentAccess = 'edit' | 'propose' | 'view';
export interface Me {
  user: SessionUser | null;
  csrf_token: string;
  organisation: { id: string; name: string };
  organisation_role: 'owner' | 'admin' | 'member';
  projects: {
    project_id: string;
    role: 'admin' | 'editor' | 'viewer';
    environments: Record<string, EnvironmentAccess>;
  }[];
}
interface SignedIn {
  user: SessionUser;
  csrf_token: string;
}

const AUTH = '/api/admin/v1/auth';
export const meKey = ['auth', 'me'] as const;

/** Who is signed in; a 401 means nobody (the error is an ApiError with status 401). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async () => {
      const me = await api.request<Me>('GET', `${AUTH}/me`);
      api.setCsrfToken(me.csrf_token);
      return me;
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      api.request<SignedIn>('POST', `${AUTH}/sign-in`, credentials),
    onSuccess: async (signedIn) => {
      api.setCsrfToken(signedIn.csrf_token);
      // Whatever was cached belonged to nobody or to someone else.
      queries.clear();
      await queries.fetchQuery({ queryKey: meKey, queryFn: () => api.request<Me>('GET', `${AUTH}/me`) });
    },
  });
}

export function useSignOut() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () => api.request<void>('POST', `${AUTH}/sign-out`),
    onSettled: () => {
      api.setCsrfToken(undefined);
      queries.clear();
    },
  });
}
