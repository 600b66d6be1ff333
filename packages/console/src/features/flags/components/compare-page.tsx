import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Change, Environment, Feature } from '../../../lib/api-types.js';
import { type CopyResult, useCopyFlag, useOverridesByEnvironment } from '../api/copy.js';
import { useFeatures, useSegments, useStatesByEnvironment } from '../api/flags.js';
import { copyChanges, differences, type FlagConfig } from '../model/compare.js';

export type EnvironmentAccess = 'edit' | 'propose' | 'view';

interface PendingCopy {
  feature: Feature;
  lines: string[];
  changes: Change[];
  propose: boolean;
  why: string;
}

/**
 * Two environments side by side: which flags differ and how, and copying one flag's whole
 * configuration (state and segment overrides) from one to the other, shown before it is made.
 */
export function ComparePage(props: {
  projectId: string;
  environment: Environment;
  environments: Environment[];
  accessIn: (environmentId: string) => EnvironmentAccess;
  flagHref: (featureId: string) => string;
  changeRequestHref: (environmentId: string, id: string) => string;
}) {
  const { environments } = props;
  const [fromId, setFromId] = useState(props.environment.id);
  const [toId, setToId] = useState(
    environments.find((e) => e.id !== props.environment.id)?.id ?? props.environment.id,
  );
  const [showAlike, setShowAlike] = useState(false);
  const [pending, setPending] = useState<PendingCopy | null>(null);
  /** The last copy, with the environments it went between (the selects may change since). */
  const [result, setResult] = useState<{
    key: string;
    outcome: CopyResult;
    from: Environment;
    to: Environment;
  } | null>(null);
  const features = useFeatures(props.projectId);
  const segments = useSegments(props.projectId);
  const ids = [fromId, toId];
  const states = useStatesByEnvironment(ids);
  const overrides = useOverridesByEnvironment(ids);
  const copy = useCopyFlag();
  const from = environments.find((e) => e.id === fromId) as Environment;
  const to = environments.find((e) => e.id === toId) as Environment;
  const names = new Map((segments.data ?? []).map((s) => [s.id, s.name]));
  const segmentName = (id: string) => names.get(id) ?? id;
  const config = (environmentId: string, featureId: string): FlagConfig => ({
    state: states.byEnvironment.get(environmentId)?.get(featureId),
    overrides: (overrides.byEnvironment.get(environmentId) ?? []).filter((o) => o.feature_id === featureId),
  });
  const rows = (features.data ?? [])
    .map((feature) => ({
      feature,
      lines: differences(feature, config(fromId, feature.id), config(toId, feature.id), segmentName),
    }))
    .filter((row) => showAlike || row.lines.length > 0)
    .sort((a, b) => (a.feature.key < b.feature.key ? -1 : 1));
  const access = props.accessIn(toId);
  const protectedTarget = (to?.requires_approval ?? 0) > 0;

  const prepare = (feature: Feature, lines: string[]) => {
    const propose = protectedTarget || access === 'propose';
    setResult(null);
    setPending({
      feature,
      lines,
      changes: copyChanges(feature, config(fromId, feature.id), config(toId, feature.id)),
      propose,
      why: protectedTarget
        ? `${to.name} needs approval for every change.`
        : access === 'propose'
          ? `You may only propose changes in ${to.name}.`
          : '',
    });
  };

  const options = environments.map((e) => ({ value: e.id, label: e.name }));
  return (
    <Stack>
      <Title order={1} size="h2">
        Compare environments
      </Title>
      <Group align="end">
        <Select
          label="From"
          allowDeselect={false}
          data={options}
          value={fromId}
          onChange={(v) => v && setFromId(v)}
          w={200}
        />
        <Select
          label="To"
          allowDeselect={false}
          data={options}
          value={toId}
          onChange={(v) => v && setToId(v)}
          w={200}
        />
        <Switch
          label="Show flags configured alike"
          checked={showAlike}
          onChange={(e) => setShowAlike(e.currentTarget.checked)}
        />
      </Group>
      {fromId === toId && <Text>Choose two different environments.</Text>}
      {result && (
        <Alert color="green" role="status">
          {result.outcome.kind === 'applied' ? (
            `${result.key} in ${result.to.name} is now configured as in ${result.from.name}.`
          ) : (
            // The link in the alert's own text colour: a link's blue on its green fails contrast.
            <>
              Proposed as{' '}
              <Anchor
                component={Link}
                to={props.changeRequestHref(result.to.id, result.outcome.changeRequestId)}
                c="inherit"
                underline="always"
              >
                change request {result.outcome.changeRequestId}
              </Anchor>{' '}
              in {result.to.name}; it applies once approved and committed.
            </>
          )}
        </Alert>
      )}
      <QueryState
        what="the environments"
        isPending={features.isPending || states.isPending || overrides.isPending}
        error={features.error ?? states.error ?? overrides.error}
      >
        <Text size="sm" aria-live="polite">
          {rows.filter((r) => r.lines.length > 0).length} flags differ between {from?.name} and {to?.name}.
        </Text>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flag</Table.Th>
              <Table.Th>
                {from?.name} → {to?.name}
              </Table.Th>
              <Table.Th>
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ feature, lines }) => (
              <Table.Tr key={feature.id}>
                <Table.Td>
                  <Link to={props.flagHref(feature.id)}>{feature.key}</Link>
                </Table.Td>
                <Table.Td>
                  {lines.length === 0 ? (
                    <Text size="sm">Configured alike.</Text>
                  ) : (
                    <List size="sm" spacing={0}>
                      {lines.map((line) => (
                        <List.Item key={line}>{line}</List.Item>
                      ))}
                    </List>
                  )}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    disabled={lines.length === 0 || fromId === toId || access === 'view'}
                    title={access === 'view' ? `You may only view ${to?.name}.` : undefined}
                    onClick={() => prepare(feature, lines)}
                  >
                    Copy {feature.key} to {to?.name}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <Modal
        opened={pending !== null}
        onClose={() => setPending(null)}
        closeButtonProps={{ 'aria-label': 'Cancel' }}
        title={pending ? `Copy ${pending.feature.key} from ${from.name} to ${to.name}?` : ''}
      >
        {pending && (
          <Stack>
            <Text size="sm">
              How it differs now ({from.name} → {to.name}):
            </Text>
            <List size="sm" spacing={2}>
              {pending.lines.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
            <Text size="sm">
              After the copy, {pending.feature.key} in {to.name} has the state and segment overrides it has in{' '}
              {from.name}. Only {to.name} changes; identity overrides stay.
            </Text>
            {pending.propose && (
              <Alert color="blue">
                {pending.why} The copy is proposed as a change request with {pending.changes.length} changes,
                for someone who may edit there to approve.
              </Alert>
            )}
            <MutationError error={copy.error} />
            <Group justify="end">
              <Button variant="default" onClick={() => setPending(null)}>
                Cancel
              </Button>
              <Button
                loading={copy.isPending}
                onClick={() =>
                  copy.mutate(
                    {
                      environmentId: toId,
                      changes: pending.changes,
                      propose: pending.propose,
                      title: `Copy ${pending.feature.key} from ${from.name}`,
                      description: pending.lines.join('\n'),
                      targetOverrides: overrides.byEnvironment.get(toId) ?? [],
                    },
                    {
                      onSuccess: (outcome) => {
                        setResult({ key: pending.feature.key, outcome, from, to });
                        setPending(null);
                      },
                    },
                  )
                }
              >
                {pending.propose ? 'Propose the copy' : 'Copy now'}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
