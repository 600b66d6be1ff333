import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { BodyOf } from '../../../lib/api-types.js';
import { fetchMe, meKey } from '../../../lib/me.js';

export { type Me, useMe } from '../../../lib/me.js';

export function useSignIn() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/admin/v1/auth/sign-in', 'post'>) =>
      unwrap(api.POST('/api/admin/v1/auth/sign-in', { body })),
    onSuccess: async (signedIn) => {
      api.setCsrfToken(signedIn.csrf_token);
      // Whatever was cached belonged to nobody or to someone else.
      queries.clear();
      await queries.fetchQuery({ queryKey: meKey, queryFn: fetchMe });
    },
  });
}

/** Accepting an invitation signs the new person in, as sign-in does. */
export function useAcceptInvitation() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/admin/v1/auth/accept-invitation', 'post'>) =>
      unwrap(api.POST('/api/admin/v1/auth/accept-invitation', { body })),
    onSuccess: async (signedIn) => {
      api.setCsrfToken(signedIn.csrf_token);
      queries.clear();
      await queries.fetchQuery({ queryKey: meKey, queryFn: fetchMe });
    },
  });
}

export function useSignOut() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/v1/auth/sign-out', {})),
    onSettled: () => {
      api.setCsrfToken(undefined);
      queries.clear();
    },
  });
}
