import {
  ActionIcon,
  Button,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useChangeMode } from '../../../lib/access.js';
import type { Environment, Feature, NewSegmentOverride } from '../../../lib/api-types.js';
import { parseValueText, valueSummary } from '../../../lib/values.js';
import { useSegmentOverrideMutations, useSegmentOverrides, useSegments } from '../api/flags.js';
import { nextPriority, reorder } from '../model/priorities.js';

/** The flag's segment overrides in one environment, in the order evaluation tries them. */
export function SegmentOverrides(props: { projectId: string; feature: Feature; environment: Environment }) {
  const { feature, environment } = props;
  const overrides = useSegmentOverrides(environment.id, feature.id);
  const segments = useSegments(props.projectId);
  const { create, update, remove } = useSegmentOverrideMutations(environment.id, feature.id);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  // The row being dragged, by index: dropping it on another row moves it there.
  const [dragged, setDragged] = useState<number | null>(null);
  // What the segment's members are served; a boolean flag has no value beyond being on.
  const [valueText, setValueText] = useState('');
  const parsedValue = parseValueText(feature.type, valueText);
  const names = new Map((segments.data ?? []).map((s) => [s.id, s.name]));
  const list = overrides.data ?? [];
  const used = new Set(list.map((o) => o.segment_id));
  // Overrides here change straight in or not at all: proposing them is done through the API.
  const access = useChangeMode(props.projectId, environment);

  const move = async (from: number, to: number) => {
    for (const p of reorder(list, from, to)) await update.mutateAsync(p);
  };

  return (
    <Stack component="section" aria-labelledby="overrides-title">
      <Title order={2} size="h3" id="overrides-title">
        Segment overrides in {environment.name}
      </Title>
      <Text size="sm" c="dimmed">
        Tried from the top: the first segment the user is in decides. Identity overrides win over all of them.
      </Text>
      {access.mode !== 'edit' && (
        <Text size="sm" c="dimmed">
          Read only. {access.mode === 'view' ? access.reason : access.why}
        </Text>
      )}
      <fieldset disabled={access.mode !== 'edit'} className="plain-fieldset">
        <QueryState what="segment overrides" isPending={overrides.isPending} error={overrides.error}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>Segment</Table.Th>
                <Table.Th>Enabled</Table.Th>
                {feature.type !== 'boolean' && <Table.Th>Value</Table.Th>}
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((override, index) => {
                const name = names.get(override.segment_id) ?? override.segment_id;
                return (
                  <Table.Tr
                    key={override.id}
                    // Dragging a row reorders by mouse; the arrow buttons do the same by keyboard.
                    draggable={access.mode === 'edit'}
                    style={{ cursor: access.mode === 'edit' ? 'grab' : undefined }}
                    onDragStart={(event) => {
                      event.dataTransfer.effectAllowed = 'move';
                      event.dataTransfer.setData('text/plain', name);
                      setDragged(index);
                    }}
                    onDragOver={(event) => {
                      if (dragged !== null) event.preventDefault();
                    }}
                    onDrop={(event) => {
                      event.preventDefault();
                      if (dragged !== null) void move(dragged, index);
                      setDragged(null);
                    }}
                    onDragEnd={() => setDragged(null)}
                  >
                    <Table.Td>{index + 1}</Table.Td>
                    <Table.Td>{name}</Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Override for ${name} enabled`}
                        checked={override.enabled}
                        onChange={(e) => update.mutate({ id: override.id, enabled: e.currentTarget.checked })}
                      />
                    </Table.Td>
                    {feature.type !== 'boolean' && <Table.Td>{valueSummary(override.value)}</Table.Td>}
                    <Table.Td>
                      <Group gap={4}>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move ${name} up`}
                          disabled={index === 0}
                          onClick={() => move(index, index - 1)}
                        >
                          ↑
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move ${name} down`}
                          disabled={index === list.length - 1}
                          onClick={() => move(index, index + 1)}
                        >
                          ↓
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Remove override for ${name}`}
                          onClick={() => remove.mutate(override.id)}
                        >
                          ✕
                        </ActionIcon>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </QueryState>
        <Group align="end">
          <Select
            label="Add an override for segment"
            placeholder="Choose a segment"
            searchable
            data={(segments.data ?? [])
              .filter((s) => !used.has(s.id))
              .map((s) => ({ value: s.id, label: s.name }))}
            value={segmentId}
            onChange={setSegmentId}
            w={260}
          />
          {feature.type !== 'boolean' && (
            <TextInput
              label={`Served to the segment (${feature.type})`}
              description="Empty: no value"
              value={valueText}
              error={parsedValue.ok ? undefined : parsedValue.message}
              onChange={(e) => setValueText(e.currentTarget.value)}
              w={260}
            />
          )}
          <Button
            disabled={!segmentId || !parsedValue.ok}
            loading={create.isPending}
            onClick={() =>
              segmentId &&
              parsedValue.ok &&
              create.mutate(
                {
                  segment_id: segmentId,
                  feature_id: feature.id,
                  enabled: true,
                  value: parsedValue.value as NewSegmentOverride['value'],
                  priority: nextPriority(list),
                },
                {
                  onSuccess: () => {
                    setSegmentId(null);
                    setValueText('');
                  },
                },
              )
            }
          >
            Add override
          </Button>
        </Group>
      </fieldset>
      <MutationError error={create.error ?? update.error ?? remove.error} />
    </Stack>
  );
}
