import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { memo, useMemo } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate, useOutletContext, useParams } from 'react-router';
import { useSignOut } from '../features/auth/api/session.js';
import { useEnvironments, useProjects } from '../features/environments/api/environments.js';
import { EnvironmentSwitcher } from '../features/environments/components/environment-switcher.js';
import { useFeatures, useSegments } from '../features/flags/api/flags.js';
import { can, type Permission } from '../lib/access.js';
import type { Environment } from '../lib/api-types.js';
import { type Me, useMe } from '../lib/me.js';
import { paths } from './paths.js';
import { SessionGate } from './session-gate.js';

/** What every screen under an environment gets from the layout. */
export interface EnvironmentContext {
  projectId: string;
  environment: Environment;
  environments: Environment[];
}

export function useEnvironmentContext(): EnvironmentContext {
  return useOutletContext<EnvironmentContext>();
}

/** `/`: the first project's first environment, once signed in. */
export function HomeRedirect() {
  return <SessionGate>{() => <FirstEnvironment />}</SessionGate>;
}

function FirstEnvironment() {
  const projects = useProjects();
  const projectId = projects.data?.[0]?.id;
  const environments = useEnvironments(projectId);
  const environmentId = environments.data?.[0]?.id;
  const member = useMe().data?.organisation_role === 'member';
  if (projects.data && !projectId)
    return (
      <Text p="xl">
        {member
          ? 'You are in no project yet: ask an organisation admin to add you to one.'
          : 'This organisation has no project yet.'}
      </Text>
    );
  if (!projectId || !environmentId) return <Loader m="xl" aria-label="Loading projects" />;
  return <Navigate to={paths.flags(projectId, environmentId)} replace />;
}

export function EnvironmentLayout() {
  return (
    <SessionGate>
      {(me) => (
        <Shell organisationName={me.organisation.name} userName={me.user?.name ?? me.user?.email ?? ''} />
      )}
    </SessionGate>
  );
}

/** Screens in the navigation; `needs` hides one the signed-in person may not read at all. */
const SCREENS: readonly {
  label: string;
  to: (p: string, e: string) => string;
  segment: string;
  needs?: Permission;
}[] = [
  { label: 'Flags', to: paths.flags, segment: 'flags' },
  { label: 'Compare', to: paths.compare, segment: 'compare' },
  { label: 'Segments', to: paths.segments, segment: 'segments' },
  { label: 'Identities', to: paths.identities, segment: 'identities' },
  { label: 'Experiments', to: paths.experiments, segment: 'experiments' },
  { label: 'Metrics', to: paths.metrics, segment: 'metrics' },
  { label: 'Change requests', to: paths.changeRequests, segment: 'change-requests' },
  { label: 'Keys', to: paths.keys, segment: 'keys' },
  { label: 'Audit log', to: paths.audit, segment: 'audit', needs: 'audit.read' },
  { label: 'People', to: paths.people, segment: 'people', needs: 'users.read' },
  // Members read the list of their project; changing it is for project admins (useCan there).
  { label: 'Project members', to: paths.members, segment: 'members', needs: 'project.read' },
  { label: 'Webhooks', to: paths.webhooks, segment: 'webhooks', needs: 'project.manage' },
  { label: 'Admin tokens', to: paths.adminTokens, segment: 'admin-tokens', needs: 'tokens.manage' },
];

/** The screens offered to `me` in one project (project-level needs are decided there). */
function screensFor(me: Me | undefined, projectId: string) {
  return SCREENS.filter((s) => !s.needs || can(me, s.needs, { project: { id: projectId } }).allowed);
}

function Shell(props: { organisationName: string; userName: string }) {
  const params = useParams();
  const projectId = params.projectId as string;
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle }] = useDisclosure();
  const environments = useEnvironments(projectId);
  const signOut = useSignOut();
  const me = useMe().data;
  // Project-level needs are decided for this project: a project admin sees its webhooks.
  const screens = screensFor(me, projectId);
  const environment = environments.data?.find(
    (e) => e.id === params.environmentId || e.key === params.environmentId,
  );

  if (environments.data && !environment) {
    const first = environments.data[0];
    return first ? (
      <Navigate to={paths.flags(projectId, first.id)} replace />
    ) : (
      <Text p="xl">This project has no environment.</Text>
    );
  }
  if (!environments.data || !environment) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading environments" />
      </Center>
    );
  }
  const context: EnvironmentContext = {
    projectId,
    environment,
    environments: environments.data,
  };
  // Switching keeps the screen (flags stay flags), dropping a selected item that belongs elsewhere.
  const screen = SCREENS.find((s) => location.pathname.includes(`/${s.segment}`)) ?? SCREENS[0];

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4">
              Pennon
            </Title>
            <Text size="sm" c="dimmed">
              {props.organisationName}
            </Text>
            <EnvironmentSwitcher
              organisationName={props.organisationName}
              projectId={projectId}
              environmentId={environment.id}
              onChange={(p, e) => navigate(e ? screen.to(p, e) : `/p/${encodeURIComponent(p)}/e/-`)}
            />
          </Group>
          <Group wrap="nowrap">
            <Button
              variant="default"
              size="xs"
              onClick={() => spotlight.open()}
              aria-keyshortcuts="Control+K Meta+K"
            >
              Search… (Ctrl K)
            </Button>
            <Text size="sm">{props.userName}</Text>
            <Button
              size="xs"
              variant="subtle"
              loading={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, { onSettled: () => navigate(paths.signIn(), { replace: true }) })
              }
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Screens">
        {screens.map((s) => (
          <NavLink
            key={s.segment}
            component={Link}
            to={s.to(projectId, environment.id)}
            label={s.label}
            active={s === screen}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <main>
          <Outlet context={context} />
        </main>
      </AppShell.Main>
      <CommandPalette projectId={projectId} environment={environment} environments={environments.data} />
    </AppShell>
  );
}

/**
 * Ctrl/Cmd-K: jump to any screen, flag, segment or environment by typing part of its name.
 * Memoised: with thousands of flags, rebuilding its actions on every change of the address (each
 * keystroke in the flag search) cost more than filtering the list itself.
 */
const CommandPalette = memo(function CommandPalette(props: {
  projectId: string;
  environment: Environment;
  environments: Environment[];
}) {
  const navigate = useNavigate();
  const { projectId, environment, environments } = props;
  const features = useFeatures(projectId);
  const segments = useSegments(projectId);
  const me = useMe().data;
  const screens = useMemo(() => screensFor(me, projectId), [me, projectId]);
  const actions = useMemo(() => {
    const go = (to: string) => () => navigate(to);
    return [
      {
        group: 'Screens',
        actions: screens.map((s) => ({
          id: `screen-${s.segment}`,
          label: s.label,
          onClick: go(s.to(projectId, environment.id)),
        })),
      },
      {
        group: 'Flags',
        actions: (features.data ?? []).map((f) => ({
          id: `flag-${f.id}`,
          label: f.key,
          description: f.description || f.type,
          onClick: go(paths.flag(projectId, environment.id, f.id)),
        })),
      },
      {
        group: 'Segments',
        actions: (segments.data ?? []).map((s) => ({
          id: `segment-${s.id}`,
          label: s.name,
          description: s.description,
          onClick: go(paths.segment(projectId, environment.id, s.id)),
        })),
      },
      {
        group: 'Environments',
        actions: environments.map((e) => ({
          id: `environment-${e.id}`,
          label: `Switch to ${e.name}`,
          onClick: go(paths.flags(projectId, e.id)),
        })),
      },
    ];
  }, [navigate, screens, projectId, environment.id, environments, features.data, segments.data]);
  return (
    <Spotlight
      actions={actions}
      shortcut={['mod + K']}
      // Ctrl-K types nothing, so it opens the palette from inside a field too.
      tagsToIgnore={[]}
      nothingFound="Nothing matches"
      highlightQuery
      limit={30}
      searchProps={{
        placeholder: 'Jump to a flag, segment, screen or environment…',
        'aria-label': 'Search the console',
      }}
    />
  );
});
