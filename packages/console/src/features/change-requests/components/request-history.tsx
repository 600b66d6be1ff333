import { Stack, Text, Title } from '@mantine/core';
import { AuditRecords } from '../../../components/audit-records.js';
import { QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import { useActorName } from '../../../lib/actors.js';
import type { Environment } from '../../../lib/api-types.js';
import { useChangeRequestHistory } from '../api/change-requests.js';

/** Each step of the request (proposed, revised, approved, committed…), with what it changed. */
export function RequestHistory(props: { environment: Environment; id: string }) {
  const decision = useCan('audit.read');
  const history = useChangeRequestHistory(props.id, decision.allowed);
  const actorName = useActorName();
  return (
    <Stack component="section" aria-labelledby="request-history-title">
      <Title order={2} size="h3" id="request-history-title">
        Revisions and reviews
      </Title>
      {!decision.allowed ? (
        <Text size="sm">{decision.reason}</Text>
      ) : (
        <QueryState what="the request's history" isPending={history.isPending} error={history.error}>
          <AuditRecords
            records={history.data ?? []}
            actorName={actorName}
            environmentName={(id) => (id === props.environment.id ? props.environment.name : undefined)}
          />
        </QueryState>
      )}
    </Stack>
  );
}
