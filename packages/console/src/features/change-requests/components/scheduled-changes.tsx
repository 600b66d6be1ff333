import { Code, Stack, Table, Text, Title } from '@mantine/core';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import { useActorName } from '../../../lib/actors.js';
import type { Environment } from '../../../lib/api-types.js';
import { formatTime } from '../../../lib/dates.js';
import { useCancelScheduledChange, useScheduledChanges } from '../api/change-requests.js';
import { StatusBadge } from './status-badge.js';

/** "Apply at…" changes of the environment: when, what, and cancelling those still pending. */
export function ScheduledChanges(props: { projectId: string; environment: Environment }) {
  const { environment } = props;
  const scheduled = useScheduledChanges(environment.id);
  const cancel = useCancelScheduledChange(environment.id);
  const actorName = useActorName();
  const decision = useCan('environment.edit', {
    project: { id: props.projectId },
    environment: { id: environment.id, key: environment.key },
  });
  const list = [...(scheduled.data ?? [])].sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at));

  return (
    <Stack component="section" aria-labelledby="scheduled-title">
      <Title order={2} size="h3" id="scheduled-title">
        Scheduled changes
      </Title>
      <QueryState what="scheduled changes" isPending={scheduled.isPending} error={scheduled.error}>
        {list.length === 0 ? (
          <Text>Nothing is scheduled. Use "Apply at…" on a flag to schedule a change.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">At</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Changes</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{formatTime(s.scheduled_at)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} />
                    {s.failure && (
                      <Text size="xs" c="red.9">
                        {s.failure.message}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {s.changes.map((c, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: changes are an ordered list without ids.
                      <Code key={i} block>
                        {JSON.stringify(c)}
                      </Code>
                    ))}
                  </Table.Td>
                  <Table.Td>{actorName(s.author)}</Table.Td>
                  <Table.Td>
                    {s.status === 'pending' && (
                      <GuardedButton
                        decision={decision}
                        size="xs"
                        variant="default"
                        loading={cancel.isPending && cancel.variables === s.id}
                        onClick={() => cancel.mutate(s.id)}
                        aria-label={`Cancel the change scheduled at ${formatTime(s.scheduled_at)}`}
                      >
                        Cancel
                      </GuardedButton>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <MutationError error={cancel.error} />
    </Stack>
  );
}
