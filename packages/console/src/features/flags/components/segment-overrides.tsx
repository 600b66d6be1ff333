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
import type { Environment, Feature } from '../../../lib/api-types.js';
import { parseValueText } from '../../../lib/values.js';
import { useSegmentOverrides, useSegments } from '../api/flags.js';
import { useOverrideEditing } from '../hooks/use-override-editing.js';
import { nextPriority } from '../model/priorities.js';
import { needsChangeRequest } from '../model/state-change.js';
import { OverrideProposal } from './override-proposal.js';
import { OverrideValueInput } from './override-value-input.js';

/**
 * The flag's segment overrides in one environment, in the order evaluation tries them. Where
 * changes need review, every edit (add, on/off, value, remove, reorder) goes into a draft that
 * is proposed as one change request after its diff is shown.
 */
export function SegmentOverrides(props: {
  projectId: string;
  feature: Feature;
  environment: Environment;
  /** Where a change request proposed from here is shown. */
  changeRequestHref?: (id: string) => string;
}) {
  const { feature, environment } = props;
  const overrides = useSegmentOverrides(environment.id, feature.id);
  const segments = useSegments(props.projectId);
  const access = useChangeMode(props.projectId, environment);
  const editing = useOverrideEditing(
    environment.id,
    feature.id,
    overrides.data ?? [],
    access.mode,
    needsChangeRequest,
  );
  const { rows: list, actions } = editing;
  const [segmentId, setSegmentId] = useState<string | null>(null);
  // The row being dragged, by index: dropping it on another row moves it there.
  const [dragged, setDragged] = useState<number | null>(null);
  // What the segment's members are served; a boolean flag has no value beyond being on.
  const [valueText, setValueText] = useState('');
  const parsedValue = parseValueText(feature.type, valueText);
  const names = new Map((segments.data ?? []).map((s) => [s.id, s.name]));
  const used = new Set(list.map((o) => o.segment_id));
  const editable = access.mode !== 'view';

  return (
    <Stack component="section" aria-labelledby="overrides-title">
      <Title order={2} size="h3" id="overrides-title">
        Segment overrides in {environment.name}
      </Title>
      <Text size="sm" c="dimmed">
        Tried from the top: the first segment the user is in decides. Identity overrides win over all of them.
      </Text>
      {access.mode === 'view' && (
        <Text size="sm" c="dimmed">
          Read only. {access.reason}
        </Text>
      )}
      {editing.proposing && (
        <Text size="sm" c="dimmed">
          {access.mode === 'propose' ? access.why : `${environment.name} takes changes through review.`} Edits
          here are gathered and proposed together.
        </Text>
      )}
      <fieldset disabled={!editable} className="plain-fieldset">
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
                    key={override.segment_id}
                    // Dragging a row reorders by mouse; the arrow buttons do the same by keyboard.
                    draggable={editable}
                    style={{ cursor: editable ? 'grab' : undefined }}
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
                      if (dragged !== null) actions.move(dragged, index);
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
                        onChange={(e) =>
                          actions.set(override.segment_id, { enabled: e.currentTarget.checked })
                        }
                      />
                    </Table.Td>
                    {feature.type !== 'boolean' && (
                      <Table.Td>
                        <OverrideValueInput
                          type={feature.type}
                          label={`Value for ${name}`}
                          value={override.value}
                          onChange={(value) => actions.set(override.segment_id, { value })}
                        />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Group gap={4}>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move ${name} up`}
                          disabled={index === 0}
                          onClick={() => actions.move(index, index - 1)}
                        >
                          ↑
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move ${name} down`}
                          disabled={index === list.length - 1}
                          onClick={() => actions.move(index, index + 1)}
                        >
                          ↓
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Remove override for ${name}`}
                          onClick={() => actions.remove(override.segment_id)}
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
            loading={editing.creating}
            onClick={() =>
              segmentId &&
              parsedValue.ok &&
              actions.add(
                {
                  segment_id: segmentId,
                  enabled: true,
                  value: parsedValue.value,
                  priority: nextPriority(list),
                },
                () => {
                  setSegmentId(null);
                  setValueText('');
                },
              )
            }
          >
            Add override
          </Button>
        </Group>
      </fieldset>
      {editing.proposing && (
        <OverrideProposal
          feature={feature}
          environment={environment}
          changes={editing.changes}
          drafted={editing.drafted}
          serverMoved={editing.serverMoved}
          segmentName={(id) => names.get(id) ?? id}
          why={access.mode === 'propose' ? access.why : undefined}
          changeRequestHref={props.changeRequestHref}
          onDiscard={editing.discard}
        />
      )}
      <MutationError error={editing.error} />
    </Stack>
  );
}
