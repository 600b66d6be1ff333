import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
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
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useChangeMode } from '../../../lib/access.js';
import type { Environment, FeatureType } from '../../../lib/api-types.js';
import { valueSummary } from '../../../lib/values.js';
import {
  useFavourites,
  useFeatures,
  useFlagUsage,
  usePatchState,
  useSetFavourite,
  useStatesByEnvironment,
} from '../api/flags.js';
import { useWindowRows } from '../hooks/use-window-rows.js';
import {
  allOwners,
  allTags,
  DEFAULT_STALE_DAYS,
  type FlagFilter,
  type FlagSort,
  filterFlags,
  lastChange,
  NO_FILTER,
  type StateFilter,
} from '../model/filters.js';
import { staleness } from '../model/usage.js';
import { BulkActions } from './bulk-actions.js';
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
  const favourites = useFavourites(projectId);
  const setFavourite = useSetFavourite(projectId);
  const [staleDays, setStaleDays] = useState<number>(filter.stale ?? DEFAULT_STALE_DAYS);
  const usage = useFlagUsage(environment.id, staleDays);
  // Filtered once per change of data or filter, not on every render (a toggle, a selection).
  const rows = useMemo(() => {
    const usageOf = new Map((usage.data?.items ?? []).map((u) => [u.feature_id, u]));
    const now = new Date();
    return filterFlags(
      (features.data ?? []).map((feature) => {
        const row = {
          feature,
          state: here?.get(feature.id),
          favourite: favourites.data?.has(feature.id) ?? false,
        };
        const stale = staleness(
          { createdAt: feature.created_at, lastChange: lastChange(row), usage: usageOf.get(feature.id) },
          staleDays,
          now,
        );
        return { ...row, staleness: stale };
      }),
      filter,
    );
  }, [features.data, here, favourites.data, usage.data, staleDays, filter]);
  const shown = useWindowRows(rows.length);
  const set = (change: Partial<FlagFilter>) => props.onFilterChange({ ...filter, ...change });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const visibleSelected = rows.filter((r) => selected.has(r.feature.id)).map((r) => r.feature);
  const allSelected = rows.length > 0 && visibleSelected.length === rows.length;
  const toggleSelected = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

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
        <MultiSelect
          label="Owners"
          data={allOwners(features.data ?? [])}
          value={filter.owners}
          onChange={(owners) => set({ owners })}
          clearable
          w={200}
        />
      </Group>
      <Group align="end" gap="md">
        <Switch
          label="Favourites only"
          checked={filter.favourites}
          onChange={(e) => set({ favourites: e.currentTarget.checked })}
        />
        <Switch
          label="Show archived"
          checked={filter.archived}
          onChange={(e) => set({ archived: e.currentTarget.checked })}
        />
        <Switch
          label="Stale only"
          checked={filter.stale !== null}
          onChange={(e) => set({ stale: e.currentTarget.checked ? staleDays : null })}
        />
        <NumberInput
          label="Stale after (days)"
          description={`Not evaluated in ${environment.name}, or not changed`}
          min={1}
          max={365}
          value={staleDays}
          onChange={(value) => {
            const days = Number(value);
            if (!Number.isInteger(days) || days < 1 || days > 365) return;
            setStaleDays(days);
            if (filter.stale !== null) set({ stale: days });
          }}
          w={220}
        />
      </Group>
      {visibleSelected.length > 0 && (
        <BulkActions
          projectId={projectId}
          selected={visibleSelected}
          environments={environments}
          statesByEnvironment={states.byEnvironment}
          onDone={() => setSelected(new Set())}
        />
      )}
      <QueryState
        what="flags"
        isPending={features.isPending || states.isPending}
        error={features.error ?? states.error}
      >
        <Text size="sm" c="dimmed" aria-live="polite">
          {rows.length} of {features.data?.length ?? 0} flags
        </Text>
        <Table highlightOnHover aria-rowcount={rows.length + 1}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                <Checkbox
                  aria-label="Select every flag shown"
                  checked={allSelected}
                  indeterminate={visibleSelected.length > 0 && !allSelected}
                  onChange={(e) =>
                    setSelected(e.currentTarget.checked ? new Set(rows.map((r) => r.feature.id)) : new Set())
                  }
                />
              </Table.Th>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Value in {environment.name}</Table.Th>
              {environments.map((e) => (
                <Table.Th key={e.id}>{e.name}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody ref={shown.bodyRef}>
            {shown.before > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing in for the rows above; nothing in it takes focus.
              <tr aria-hidden="true" style={{ height: shown.before }} />
            )}
            {shown.items.map(({ index }) => {
              const { feature, state, favourite, staleness: stale } = rows[index] as (typeof rows)[number];
              return (
                <Table.Tr
                  key={feature.id}
                  ref={shown.measure}
                  data-index={index}
                  aria-rowindex={index + 2}
                  // Striped by the row's place in the list, not in the rendered slice, so stripes hold still on scroll.
                  bg={index % 2 === 0 ? 'var(--mantine-color-gray-0)' : undefined}
                >
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${feature.key}`}
                      checked={selected.has(feature.id)}
                      onChange={(e) => toggleSelected(feature.id, e.currentTarget.checked)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Group gap={4} wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          aria-label={`Favourite ${feature.key}`}
                          aria-pressed={favourite}
                          onClick={() => setFavourite.mutate({ id: feature.id, favourite: !favourite })}
                        >
                          {favourite ? '★' : '☆'}
                        </ActionIcon>
                        <Link to={props.flagHref(feature.id)}>{feature.key}</Link>
                        {feature.archived && (
                          <Badge size="xs" variant="outline" color="gray">
                            archived
                          </Badge>
                        )}
                        {stale?.stale && (
                          <Badge size="xs" variant="dot" color="yellow" title={stale.reasons.join(', ')}>
                            stale: {stale.reasons.join(', ')}
                          </Badge>
                        )}
                      </Group>
                      {feature.owner && <Text size="xs">Owner: {feature.owner}</Text>}
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
              );
            })}
            {shown.after > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing in for the rows below; nothing in it takes focus.
              <tr aria-hidden="true" style={{ height: shown.after }} />
            )}
          </Table.Tbody>
        </Table>
        {rows.length === 0 && (features.data?.length ?? 0) > 0 && (
          <Group>
            <Text>No flag matches these filters.</Text>
            <Button
              variant="subtle"
              onClick={() => props.onFilterChange({ ...NO_FILTER, sort: filter.sort })}
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
