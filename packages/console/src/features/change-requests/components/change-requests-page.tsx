import { Anchor, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { QueryState } from '../../../components/query-state.js';
import { useActorName } from '../../../lib/actors.js';
import type { Environment } from '../../../lib/api-types.js';
import { formatTime } from '../../../lib/dates.js';
import { type ChangeRequestStatus, useChangeRequests } from '../api/change-requests.js';
import { ProtectionSettings } from './protection-settings.js';
import { ScheduledChanges } from './scheduled-changes.js';
import { StatusBadge } from './status-badge.js';

const STATUSES: ChangeRequestStatus[] = ['open', 'approved', 'committed', 'rejected', 'cancelled', 'failed'];

/** An environment's change requests (filtered by status), its scheduled changes and its protection. */
export function ChangeRequestsPage(props: {
  projectId: string;
  environment: Environment;
  status: ChangeRequestStatus | undefined;
  onStatusChange: (status: ChangeRequestStatus | undefined) => void;
  requestHref: (id: string) => string;
}) {
  const { environment } = props;
  const requests = useChangeRequests(environment.id, props.status);
  const actorName = useActorName();

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Change requests in {environment.name}
      </Title>
      <ProtectionSettings projectId={props.projectId} environment={environment} />
      <Stack component="section" aria-labelledby="requests-title">
        <Group justify="space-between" align="end">
          <Title order={2} size="h3" id="requests-title">
            Requests
          </Title>
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={STATUSES}
            value={props.status ?? null}
            onChange={(value) => props.onStatusChange((value as ChangeRequestStatus | null) ?? undefined)}
            w={200}
          />
        </Group>
        <QueryState what="change requests" isPending={requests.isPending} error={requests.error}>
          {(requests.data ?? []).length === 0 ? (
            <Text>No change request{props.status ? ` is ${props.status}` : ' yet'}.</Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Title</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Author</Table.Th>
                  <Table.Th scope="col">Approvals</Table.Th>
                  <Table.Th scope="col">Commit at</Table.Th>
                  <Table.Th scope="col">Proposed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...(requests.data ?? [])].reverse().map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={props.requestHref(r.id)}>
                        {r.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={r.status} />
                    </Table.Td>
                    <Table.Td>{actorName(r.author)}</Table.Td>
                    <Table.Td>
                      {r.approvals.length} of {r.required_approvals}
                    </Table.Td>
                    <Table.Td>{r.scheduled_at ? formatTime(r.scheduled_at) : 'when committed'}</Table.Td>
                    <Table.Td>{formatTime(r.created_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Stack>
      <ScheduledChanges projectId={props.projectId} environment={environment} />
    </Stack>
  );
}
