import { QueryClient } from '@tanstack/react-query';
import { ApiError, createApiClient } from './api-client.js';

/**
 * Server state lives here and nowhere else. A failed session (401) or a missing right (403)
 * is not retried: asking again cannot change the answer.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});

/** Listeners told when the session ends (a 401 anywhere), so the app can show sign-in. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export const api = createApiClient({
  onUnauthorized: () => {
    for (const listener of signedOutListeners) listener();
  },
});
