import {
  Badge,
  Button,
  Group,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useChangeMode } from '../../../lib/access.js';
import type { Environment, FeatureType } from '../../../lib/api-types.js';
import { useFeatures, usePatchState, useStatesByEnvironment } from '../api/flags.js';
import { allTags, type FlagFilter, type FlagSort, filterFlags, type StateFilter } from '../model/filters.js';
import { valueSummary } from '../model/values.js';
import { CreateFlagButton } from './create-flag.js';

const SORT_LABELS: Record<FlagSort, string> = {
  key: 'Key (A–Z)',
  newest: 'Newest first',
  oldest: 'Oldest first',
  updated: 'Recently changed',
};

/**
 * Every flag of the project with its state in each environment. The filter lives in the page
 * address (the caller keeps it there), so a filtered list survives a reload and can be shared.
 */
export function FlagsPage(props: {
  projectId: string;
  environment: Environment;
  environments: Environment[];
  filter: FlagFilter;
  onFilterChange: (filter: FlagFilter) => void;
  flagHref: (featureId: string) => string;
}) {
  const { projectId, environment, environments, filter } = props;
  const features = useFeatures(projectId);
  const states = useStatesByEnvironment(environments.map((e) => e.id));
  const here = states.byEnvironment.get(environment.id);
  const rows = filterFlags(
    (features.data ?? []).map((feature) => ({ feature, state: here?.get(feature.id) })),
    filter,
  );
  const set = (change: Partial<FlagFilter>) => props.onFilterChange({ ...filter, ...change });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Flags
        </Title>
        <CreateFlagButton projectId={projectId} />
      </Group>
      <Group align="end" gap="sm">
        <TextInput
          label="Search"
          placeholder="Key, description or tag"
          value={filter.search}
          onChange={(e) => set({ search: e.currentTarget.value })}
          w={240}
        />
        <MultiSelect
          label="Tags"
          data={allTags(features.data ?? [])}
          value={filter.tags}
          onChange={(tags) => set({ tags })}
          clearable
          w={200}
        />
        <MultiSelect
          label="Types"
          data={['boolean', 'string', 'number', 'json']}
          value={filter.types}
          onChange={(types) => set({ types: types as FeatureType[] })}
          clearable
          w={200}
        />
        <Stack gap={2}>
          <Text size="sm" fw={500} id="state-filter-label">
            State in {environment.name}
          </Text>
          <SegmentedControl
            aria-labelledby="state-filter-label"
            value={filter.state}
            onChange={(state) => set({ state: state as StateFilter })}
            data={[
              { value: 'any', label: 'Any' },
              { value: 'enabled', label: 'On' },
              { value: 'disabled', label: 'Off' },
            ]}
          />
        </Stack>
        <Select
          label="Sort"
          allowDeselect={false}
          data={Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label }))}
          value={filter.sort}
          onChange={(sort) => sort && set({ sort: sort as FlagSort })}
          w={180}
        />
      </Group>
      <QueryState
        what="flags"
        isPending={features.isPending || states.isPending}
        error={features.error ?? states.error}
      >
        <Text size="sm" c="dimmed" aria-live="polite">
          {rows.length} of {features.data?.length ?? 0} flags
        </Text>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Value in {environment.name}</Table.Th>
              {environments.map((e) => (
                <Table.Th key={e.id}>{e.name}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ feature, state }) => (
              <Table.Tr key={feature.id}>
                <Table.Td>
                  <Stack gap={2}>
                    <Link to={props.flagHref(feature.id)}>{feature.key}</Link>
                    {feature.description && (
                      <Text size="xs" c="dimmed">
                        {feature.description}
                      </Text>
                    )}
                    <Group gap={4}>
                      {feature.tags.map((tag) => (
                        <Badge key={tag} size="xs" variant="light">
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  </Stack>
                </Table.Td>
                <Table.Td>{feature.type}</Table.Td>
                <Table.Td>
                  <code>{feature.type === 'boolean' ? '—' : valueSummary(state?.value)}</code>
                </Table.Td>
                {environments.map((e) => (
                  <Table.Td key={e.id}>
                    <EnvironmentToggle
                      projectId={projectId}
                      environment={e}
                      featureId={feature.id}
                      featureKey={feature.key}
                      enabled={states.byEnvironment.get(e.id)?.get(feature.id)?.enabled ?? false}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {rows.length === 0 && (features.data?.length ?? 0) > 0 && (
          <Group>
            <Text>No flag matches these filters.</Text>
            <Button
              variant="subtle"
              onClick={() =>
                props.onFilterChange({ ...filter, search: '', tags: [], types: [], state: 'any' })
              }
            >
              Clear filters
            </Button>
          </Group>
        )}
      </QueryState>
    </Stack>
  );
}

function EnvironmentToggle(props: {
  projectId: string;
  environment: Environment;
  featureId: string;
  featureKey: string;
  enabled: boolean;
}) {
  const patch = usePatchState(props.environment.id);
  const access = useChangeMode(props.projectId, props.environment);
  const toggle = (
    <Switch
      aria-label={`${props.featureKey} in ${props.environment.name}`}
      disabled={access.mode !== 'edit'}
      checked={props.enabled}
      onChange={(e) =>
        patch.mutate({ featureId: props.featureId, patch: { enabled: e.currentTarget.checked } })
      }
    />
  );
  // Not editable here: say why (the role needed, or the change request it takes) on hover.
  return (
    <Stack gap={2}>
      {access.mode === 'edit' ? (
        toggle
      ) : (
        <Tooltip label={access.mode === 'view' ? access.reason : access.why} multiline w={300}>
          <div>{toggle}</div>
        </Tooltip>
      )}
      <MutationError error={patch.error} />
    </Stack>
  );
}
