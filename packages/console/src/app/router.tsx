import { Center, Loader } from '@mantine/core';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { EnvironmentLayout, HomeRedirect } from './layout.js';

// Each screen is its own chunk: the first load carries only the shell and the screen shown.
const SignIn = lazy(() => import('./routes/sign-in.js'));
const Flags = lazy(() => import('./routes/flags.js'));
const Flag = lazy(() => import('./routes/flag.js'));
const Segments = lazy(() => import('./routes/segments.js'));
const Segment = lazy(() => import('./routes/segment.js'));
const Keys = lazy(() => import('./routes/keys.js'));
const Identities = lazy(() => import('./routes/identities.js'));
const Identity = lazy(() => import('./routes/identity.js'));
const Experiments = lazy(() => import('./routes/experiments.js'));
const Experiment = lazy(() => import('./routes/experiment.js'));
const Metrics = lazy(() => import('./routes/metrics.js'));
const Compare = lazy(() => import('./routes/compare.js'));
const ChangeRequests = lazy(() => import('./routes/change-requests.js'));
const ChangeRequest = lazy(() => import('./routes/change-request.js'));
const Audit = lazy(() => import('./routes/audit.js'));
const People = lazy(() => import('./routes/people.js'));
const AdminTokens = lazy(() => import('./routes/admin-tokens.js'));
const Webhooks = lazy(() => import('./routes/webhooks.js'));
const Members = lazy(() => import('./routes/members.js'));
const AcceptInvitation = lazy(() => import('./routes/accept-invitation.js'));

function Screen({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label="Loading screen" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}

export const router = createBrowserRouter([
  {
    path: '/sign-in',
    element: (
      <Screen>
        <SignIn />
      </Screen>
    ),
  },
  {
    path: '/accept-invitation',
    element: (
      <Screen>
        <AcceptInvitation />
      </Screen>
    ),
  },
  { path: '/', element: <HomeRedirect /> },
  {
    path: '/p/:projectId/e/:environmentId',
    element: <EnvironmentLayout />,
    children: [
      { index: true, element: <Navigate to="flags" replace /> },
      {
        path: 'flags',
        element: (
          <Screen>
            <Flags />
          </Screen>
        ),
      },
      {
        path: 'flags/:featureId',
        element: (
          <Screen>
            <Flag />
          </Screen>
        ),
      },
      {
        path: 'segments',
        element: (
          <Screen>
            <Segments />
          </Screen>
        ),
      },
      {
        path: 'segments/new',
        element: (
          <Screen>
            <Segment />
          </Screen>
        ),
      },
      {
        path: 'segments/:segmentId',
        element: (
          <Screen>
            <Segment />
          </Screen>
        ),
      },
      {
        path: 'identities',
        element: (
          <Screen>
            <Identities />
          </Screen>
        ),
      },
      {
        path: 'identities/:identityId',
        element: (
          <Screen>
            <Identity />
          </Screen>
        ),
      },
      {
        path: 'experiments',
        element: (
          <Screen>
            <Experiments />
          </Screen>
        ),
      },
      {
        path: 'experiments/:experimentKey',
        element: (
          <Screen>
            <Experiment />
          </Screen>
        ),
      },
      {
        path: 'metrics',
        element: (
          <Screen>
            <Metrics />
          </Screen>
        ),
      },
      {
        path: 'compare',
        element: (
          <Screen>
            <Compare />
          </Screen>
        ),
      },
      {
        path: 'keys',
        element: (
          <Screen>
            <Keys />
          </Screen>
        ),
      },
      {
        path: 'change-requests',
        element: (
          <Screen>
            <ChangeRequests />
          </Screen>
        ),
      },
      {
        path: 'change-requests/:requestId',
        element: (
          <Screen>
            <ChangeRequest />
          </Screen>
        ),
      },
      {
        path: 'audit',
        element: (
          <Screen>
            <Audit />
          </Screen>
        ),
      },
      {
        path: 'people',
        element: (
          <Screen>
            <People />
          </Screen>
        ),
      },
      {
        path: 'members',
        element: (
          <Screen>
            <Members />
          </Screen>
        ),
      },
      {
        path: 'webhooks',
        element: (
          <Screen>
            <Webhooks />
          </Screen>
        ),
      },
      {
        path: 'admin-tokens',
        element: (
          <Screen>
            <AdminTokens />
          </Screen>
        ),
      },
    ],
  },
  { path: '*', element: <HomeRedirect /> },
]);
