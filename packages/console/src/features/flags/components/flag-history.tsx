import { Stack, Text, Title } from '@mantine/core';
import { AuditRecords } from '../../../components/audit-records.js';
import { QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import { useActorName } from '../../../lib/actors.js';
import type { Environment, Feature, FeatureState } from '../../../lib/api-types.js';
import { useSegmentOverrides } from '../api/flags.js';
import { useFlagHistory } from '../api/history.js';

/** Who changed this flag, when, and how: its audit entries with before/after. */
export function FlagHistory(props: {
  feature: Feature;
  environment: Environment;
  environments: Environment[];
  states: (FeatureState | undefined)[];
}) {
  const decision = useCan('audit.read');
  const overrides = useSegmentOverrides(props.environment.id, props.feature.id);
  const history = useFlagHistory(
    {
      featureId: props.feature.id,
      stateIds: props.states.flatMap((s) => (s ? [s.id] : [])),
      overrideIds: (overrides.data ?? []).map((o) => o.id),
    },
    decision.allowed && !overrides.isPending,
  );
  const actorName = useActorName();
  const names = new Map(props.environments.map((e) => [e.id, e.name]));

  return (
    <Stack component="section" aria-labelledby="history-title">
      <Title order={2} size="h3" id="history-title">
        History
      </Title>
      {!decision.allowed ? (
        <Text size="sm">{decision.reason}</Text>
      ) : (
        <QueryState what="the history" isPending={history.isPending} error={history.error}>
          {(history.data ?? []).length === 0 ? (
            <Text>No change recorded yet.</Text>
          ) : (
            <AuditRecords
              records={history.data ?? []}
              actorName={actorName}
              environmentName={(id) => (id ? names.get(id) : undefined)}
            />
          )}
        </QueryState>
      )}
    </Stack>
  );
}
