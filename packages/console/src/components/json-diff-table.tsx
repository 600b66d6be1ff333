import { Badge, Code, Table, Text } from '@mantine/core';
import { jsonDiff } from '../lib/json-diff.js';

const COLOURS = { added: 'green', removed: 'red', changed: 'blue' } as const;

function show(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** Before and after side by side, only what differs, each row marked added/removed/changed. */
export function JsonDiffTable(props: { before: unknown; after: unknown; caption: string }) {
  const rows = jsonDiff(props.before, props.after);
  if (rows.length === 0) return <Text size="sm">No difference.</Text>;
  return (
    <Table withTableBorder captionSide="top" layout="fixed">
      <Table.Caption>{props.caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Field</Table.Th>
          <Table.Th scope="col">Before</Table.Th>
          <Table.Th scope="col">After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={`${row.kind}-${row.path}`}>
            <Table.Th scope="row">
              <Code>{row.path || '(value)'}</Code>{' '}
              <Badge size="xs" variant="light" color={COLOURS[row.kind]}>
                {row.kind}
              </Badge>
            </Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>
              <Code>{show(row.before)}</Code>
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>
              <Code>{show(row.after)}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
