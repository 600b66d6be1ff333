import { Accordion, Badge, Group, Text } from '@mantine/core';
import type { AuditRecord } from '../lib/api-types.js';
import { formatTime } from '../lib/dates.js';
import { JsonDiffTable } from './json-diff-table.js';

/** A readable name for what a record is about, from the resource itself when it has one. */
function resourceName(record: AuditRecord): string {
  const side = (record.after ?? record.before) as Record<string, unknown> | null;
  const name = side?.feature_key ?? side?.key ?? side?.name ?? side?.identifier ?? side?.email ?? side?.title;
  return typeof name === 'string' ? name : record.resource_id;
}

const ACTIONS: Record<string, string> = { create: 'green', delete: 'red', update: 'blue' };

/** Audit records as an accordion: who did what when, and opened, the before/after diff. */
export function AuditRecords(props: {
  records: readonly AuditRecord[];
  actorName: (actor: AuditRecord['actor']) => string;
  environmentName: (id: string | null) => string | undefined;
}) {
  return (
    <Accordion multiple variant="separated">
      {props.records.map((record) => {
        const where = props.environmentName(record.environment_id);
        return (
          <Accordion.Item key={record.id} value={record.id}>
            <Accordion.Control>
              <Group gap="xs" wrap="wrap">
                <Badge variant="light" color={ACTIONS[record.action] ?? 'grape'}>
                  {record.action}
                </Badge>
                <Text fw={500}>
                  {record.resource_type.replace('_', ' ')} {resourceName(record)}
                </Text>
                {where && <Text size="sm">in {where}</Text>}
                <Text size="sm" c="dimmed">
                  by {props.actorName(record.actor)} · {formatTime(record.at)}
                </Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <JsonDiffTable
                before={record.before}
                after={record.after}
                caption={`${record.resource_type} ${resourceName(record)}: before and after`}
              />
            </Accordion.Panel>
          </Accordion.Item>
        );
      })}
    </Accordion>
  );
}
