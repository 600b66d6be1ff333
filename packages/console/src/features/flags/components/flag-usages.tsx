import { ActionIcon, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Environment, Feature } from '../../../lib/api-types.js';
import { valueSummary } from '../../../lib/values.js';
import {
  useExperimentsOfFeature,
  useFeatureIdentityOverrides,
  useRemoveIdentityOverride,
} from '../api/flags.js';

/** Who else decides this flag here: identities with their own override, and experiments on it. */
export function FlagUsages(props: {
  feature: Feature;
  environment: Environment;
  identityHref: (id: string) => string;
  experimentHref: (key: string) => string;
}) {
  const { feature, environment } = props;
  const overrides = useFeatureIdentityOverrides(environment.id, feature.id);
  const remove = useRemoveIdentityOverride(environment.id, feature.id);
  const experiments = useExperimentsOfFeature(environment.id, feature.id);
  return (
    <Stack component="section" aria-labelledby="usages-title">
      <Title order={2} size="h3" id="usages-title">
        Identity overrides and experiments in {environment.name}
      </Title>
      <QueryState what="identity overrides" isPending={overrides.isPending} error={overrides.error}>
        {overrides.data?.length === 0 ? (
          <Text size="sm">No identity has its own override of {feature.key} here.</Text>
        ) : (
          <Table w="auto">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Identity</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(overrides.data ?? []).map((o) => (
                <Table.Tr key={o.identity_id}>
                  <Table.Td>
                    <Link to={props.identityHref(o.identity_id)}>{o.identifier}</Link>
                  </Table.Td>
                  <Table.Td>{o.enabled ? 'on' : 'off'}</Table.Td>
                  <Table.Td>
                    <Code>{feature.type === 'boolean' ? '—' : valueSummary(o.value)}</Code>
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove the override of ${o.identifier}`}
                      onClick={() => remove.mutate(o.identity_id)}
                    >
                      ✕
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <MutationError error={remove.error} />
      <QueryState what="experiments" isPending={experiments.isPending} error={experiments.error}>
        <Group gap="xs">
          <Text size="sm">Experiments:</Text>
          {experiments.data?.length === 0 ? (
            <Text size="sm">none</Text>
          ) : (
            (experiments.data ?? []).map((e) => (
              <Badge key={e.id} variant="dot" component={Link} to={props.experimentHref(e.key)}>
                {e.name} ({e.status})
              </Badge>
            ))
          )}
        </Group>
      </QueryState>
    </Stack>
  );
}
