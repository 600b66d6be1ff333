import { Alert, Center, Loader } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { type Me, useMe } from '../features/auth/api/session.js';
import { onSignedOut, queryClient } from '../lib/api.js';
import { ApiError } from '../lib/api-client.js';
import { paths } from './paths.js';

/**
 * Renders `children` with the signed-in user, or sends the browser to sign-in (coming back here
 * afterwards). A 401 on any later call ends the session the same way.
 */
export function SessionGate({ children }: { children: (me: Me) => ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const here = `${location.pathname}${location.search}`;

  useEffect(
    () =>
      onSignedOut(() => {
        queryClient.clear();
        navigate(paths.signIn(here), { replace: true });
      }),
    [navigate, here],
  );

  if (me.error instanceof ApiError && me.error.status === 401)
    return <Navigate to={paths.signIn(here)} replace />;
  if (me.error) {
    return (
      <Center p="xl">
        <Alert color="red" role="alert" title="Pennon did not answer">
          {me.error.message}
        </Alert>
      </Center>
    );
  }
  if (!me.data) {
    return (
      <Center p="xl">
        <Loader aria-label="Checking your session" />
      </Center>
    );
  }
  return <>{children(me.data)}</>;
}
