import { Alert, Button, Code, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { MutationError } from '../../../components/query-state.js';
import { RequestTextFields } from '../../../components/request-text-fields.js';
import type { Change } from '../../../lib/api-types.js';
import { localInputToIso } from '../../../lib/dates.js';
import { useProposeChange, useScheduleChange } from '../api/changes.js';
import type { FieldChange } from '../model/state-change.js';

const LABELS: Record<FieldChange['field'], string> = {
  enabled: 'Enabled',
  value: 'Value',
  variants: 'Variants',
  rollout_percentage: 'Rollout percentage',
};

function show(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value);
}

/** The fields a change alters, now and after: shown before anything is sent. */
export function FieldChanges({ changes, caption }: { changes: readonly FieldChange[]; caption: string }) {
  return (
    <Table withTableBorder captionSide="top">
      <Table.Caption>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Field</Table.Th>
          <Table.Th scope="col">Now</Table.Th>
          <Table.Th scope="col">After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.field}>
            <Table.Th scope="row">{LABELS[c.field]}</Table.Th>
            <Table.Td>
              <Code>{show(c.before)}</Code>
            </Table.Td>
            <Table.Td>
              <Code>{show(c.after)}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Propose (a change request) or schedule ("apply at…") one flag's changes in one environment,
 * after seeing exactly what they alter (`preview`, shown above the form). `onDone` gets the
 * created request or schedule id.
 */
export function ChangeDialog(props: {
  kind: 'propose' | 'schedule';
  opened: boolean;
  onClose: () => void;
  featureKey: string;
  environment: { id: string; name: string };
  /** As the change request's `changes[]`; empty: nothing differs, nothing to send. */
  changes: readonly Change[];
  preview: ReactNode;
  /** Why this goes through review, when it must. */
  why?: string;
  onDone: (result: { kind: 'propose' | 'schedule'; id: string; title: string }) => void;
}) {
  const { kind, featureKey, environment } = props;
  const changes = [...props.changes];
  const propose = useProposeChange(environment.id);
  const schedule = useScheduleChange(environment.id);
  const [title, setTitle] = useState(`Change ${featureKey} in ${environment.name}`);
  const [description, setDescription] = useState('');
  const [at, setAt] = useState('');
  const when = at === '' ? undefined : localInputToIso(at);
  const timeProblem =
    kind === 'schedule' && !when
      ? 'Pick the date and time to apply it.'
      : at !== '' && !when
        ? 'Not a date and time.'
        : undefined;
  const mutation = kind === 'propose' ? propose : schedule;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (timeProblem || changes.length === 0) return;
    if (kind === 'propose') {
      propose.mutate(
        { title: title.trim(), description, changes, ...(when ? { scheduled_at: when } : {}) },
        { onSuccess: (created) => props.onDone({ kind, id: created.id, title: created.title }) },
      );
    } else if (when) {
      schedule.mutate(
        { changes, scheduled_at: when },
        { onSuccess: (created) => props.onDone({ kind, id: created.id, title: `Scheduled ${featureKey}` }) },
      );
    }
  };

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={
        kind === 'propose' ? `Propose a change to ${environment.name}` : `Apply later in ${environment.name}`
      }
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack>
          {props.why && <Alert color="blue">{props.why}</Alert>}
          {changes.length === 0 ? (
            <Text>Nothing differs from what is stored: there is nothing to {kind}.</Text>
          ) : (
            props.preview
          )}
          {kind === 'propose' && (
            <RequestTextFields
              title={title}
              description={description}
              onTitle={setTitle}
              onDescription={setDescription}
            />
          )}
          <TextInput
            type="datetime-local"
            label={kind === 'propose' ? 'Commit at (optional, once approved)' : 'Apply at'}
            description="Your local time."
            required={kind === 'schedule'}
            value={at}
            error={at !== '' || kind === 'schedule' ? timeProblem : undefined}
            onChange={(e) => setAt(e.currentTarget.value)}
          />
          <MutationError error={mutation.error} />
          <Group justify="end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={mutation.isPending}
              disabled={changes.length === 0 || !!timeProblem}
            >
              {kind === 'propose' ? 'Propose change' : 'Schedule change'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
