import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link } from 'react-router';
import { QueryState } from '../../../components/query-state.js';
import type { Environment } from '../../../lib/api-types.js';
import { useExperimentMutations, useExperiments } from '../api/experiments.js';
import { ExperimentForm } from './experiment-form.js';

export const STATUS_COLOURS = { draft: 'gray', running: 'green', stopped: 'blue' } as const;

/** The environment's experiments, and a form to set up a new one as a draft. */
export function ExperimentsPage(props: {
  projectId: string;
  environment: Environment;
  experimentHref: (key: string) => string;
  metricsHref: string;
  onCreated: (key: string) => void;
}) {
  const { environment } = props;
  const experiments = useExperiments(environment.id);
  const { create } = useExperimentMutations(environment.id);
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Experiments in {environment.name}
        </Title>
        <Group>
          <Button component={Link} to={props.metricsHref} variant="default">
            Metric definitions
          </Button>
          <Button onClick={toggle} aria-expanded={opened}>
            New experiment
          </Button>
        </Group>
      </Group>
      {opened && (
        <ExperimentForm
          projectId={props.projectId}
          environmentId={environment.id}
          submitLabel="Create draft"
          pending={create.isPending}
          error={create.error}
          onSubmit={(body) => create.mutate(body, { onSuccess: (created) => props.onCreated(created.key) })}
        />
      )}
      <QueryState what="experiments" isPending={experiments.isPending} error={experiments.error}>
        {experiments.data?.length === 0 ? (
          <Text>No experiment here yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Experiment</Table.Th>
                <Table.Th>Flag</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Method</Table.Th>
                <Table.Th>Started</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(experiments.data ?? []).map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Link to={props.experimentHref(e.key)}>{e.name}</Link>
                    <Text size="xs" c="dimmed">
                      {e.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>{e.feature_key}</Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={STATUS_COLOURS[e.status]}>
                      {e.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{e.method}</Table.Td>
                  <Table.Td>{e.started_at ? new Date(e.started_at).toLocaleDateString() : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
