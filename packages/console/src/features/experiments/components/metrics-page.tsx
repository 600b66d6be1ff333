import { Button, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import type { Metric, NewMetric } from '../../../lib/api-types.js';
import { useMetricMutations, useMetrics } from '../api/experiments.js';

const KINDS: { value: NewMetric['kind']; label: string }[] = [
  { value: 'conversion', label: 'Conversion: did the unit log the event (0/1)' },
  { value: 'count', label: 'Count: how many times' },
  { value: 'sum', label: 'Sum of the event values' },
  { value: 'mean', label: 'Mean of the event values' },
  { value: 'ratio', label: 'Ratio: sum of values over a denominator event count' },
];

/** The project's metric definitions: what experiments measure, from logged events. */
export function MetricsPage({ projectId }: { projectId: string }) {
  const metrics = useMetrics(projectId);
  const { remove } = useMetricMutations(projectId);
  const mayEdit = useCan('project.edit', { project: { id: projectId } });
  const [editing, setEditing] = useState<Metric | null>(null);
  return (
    <Stack>
      <Title order={1} size="h2">
        Metric definitions
      </Title>
      <Text size="sm" c="dimmed">
        Metrics belong to the project and are shared by the experiments of every environment.
      </Text>
      <QueryState what="metrics" isPending={metrics.isPending} error={metrics.error}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Metric</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>Better when</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(metrics.data ?? []).map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  {m.name}
                  <Text size="xs" c="dimmed">
                    {m.key}
                  </Text>
                </Table.Td>
                <Table.Td>{m.kind}</Table.Td>
                <Table.Td>
                  <code>{m.event_name}</code>
                  {m.denominator_event_name && (
                    <>
                      {' / '}
                      <code>{m.denominator_event_name}</code>
                    </>
                  )}
                </Table.Td>
                <Table.Td>{m.direction}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Button
                      size="xs"
                      variant="subtle"
                      onClick={() => setEditing(m)}
                      aria-label={`Edit ${m.key}`}
                    >
                      Edit
                    </Button>
                    <ConfirmButton
                      decision={mayEdit}
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${m.key}`}
                      title={`Delete metric ${m.name}?`}
                      message="Experiments stop measuring it; the events it was computed from stay."
                      confirmLabel="Delete metric"
                      pending={remove.isPending}
                      error={remove.error}
                      onOpen={remove.reset}
                      onConfirm={(done) => remove.mutate(m.key, { onSuccess: done })}
                    >
                      Delete
                    </ConfirmButton>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <MetricForm
        key={editing?.id ?? 'new'}
        projectId={projectId}
        metric={editing}
        onDone={() => setEditing(null)}
      />
    </Stack>
  );
}

function MetricForm(props: { projectId: string; metric: Metric | null; onDone: () => void }) {
  const { metric } = props;
  const { create, update } = useMetricMutations(props.projectId);
  const [key, setKey] = useState(metric?.key ?? '');
  const [name, setName] = useState(metric?.name ?? '');
  const [kind, setKind] = useState<NewMetric['kind']>(metric?.kind ?? 'conversion');
  const [event, setEvent] = useState(metric?.event_name ?? '');
  const [denominator, setDenominator] = useState(metric?.denominator_event_name ?? '');
  const [direction, setDirection] = useState<'higher' | 'lower'>(metric?.direction ?? 'higher');
  const [windowHours, setWindowHours] = useState<number | string>(metric?.conversion_window_hours ?? '');
  const mutation = metric ? update : create;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const definition = {
      name: name.trim(),
      kind,
      event_name: event.trim(),
      denominator_event_name: kind === 'ratio' ? denominator.trim() || null : null,
      direction,
      conversion_window_hours: windowHours === '' ? null : Number(windowHours),
    };
    if (metric) update.mutate({ metric: metric.key, ...definition }, { onSuccess: props.onDone });
    else
      create.mutate(
        { key: key.trim(), ...definition },
        {
          onSuccess: () => {
            setKey('');
            setName('');
            setEvent('');
          },
        },
      );
  };
  return (
    <form onSubmit={submit} aria-labelledby="metric-form-title">
      <Stack gap="sm" maw={720}>
        <Title order={2} size="h3" id="metric-form-title">
          {metric ? `Edit ${metric.key}` : 'New metric'}
        </Title>
        <Group grow align="start">
          <TextInput
            label="Metric key"
            required
            disabled={metric !== null}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
          />
          <TextInput
            label="Metric name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
        </Group>
        <Select
          label="Kind"
          allowDeselect={false}
          data={KINDS}
          value={kind}
          onChange={(value) => value && setKind(value as NewMetric['kind'])}
        />
        <Group grow align="start">
          <TextInput
            label="Event name"
            required
            value={event}
            onChange={(e) => setEvent(e.currentTarget.value)}
          />
          {kind === 'ratio' && (
            <TextInput
              label="Denominator event name"
              required
              value={denominator}
              onChange={(e) => setDenominator(e.currentTarget.value)}
            />
          )}
        </Group>
        <Group align="start">
          <Select
            label="Better when"
            allowDeselect={false}
            data={[
              { value: 'higher', label: 'Higher' },
              { value: 'lower', label: 'Lower' },
            ]}
            value={direction}
            onChange={(value) => value && setDirection(value as 'higher' | 'lower')}
            w={160}
          />
          <NumberInput
            label="Conversion window (hours)"
            description="Empty: until the experiment ends"
            min={0.001}
            value={windowHours}
            onChange={setWindowHours}
            w={240}
          />
        </Group>
        <MutationError error={mutation.error} />
        <Group>
          <Button type="submit" loading={mutation.isPending}>
            {metric ? 'Save metric' : 'Create metric'}
          </Button>
          {metric && (
            <Button variant="default" onClick={props.onDone}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
