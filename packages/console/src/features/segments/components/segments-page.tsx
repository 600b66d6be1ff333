import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useSegmentMutations, useSegments } from '../api/segments.js';

/** The project's segments; a new one opens in the rule builder. */
export function SegmentsPage(props: {
  projectId: string;
  segmentHref: (id: string) => string;
  onCreated: (id: string) => void;
}) {
  const segments = useSegments(props.projectId);
  const { create } = useSegmentMutations(props.projectId);
  const [name, setName] = useState('');
  const [trait, setTrait] = useState('');
  const [value, setValue] = useState('');
  const [search, setSearch] = useState('');
  const shown = (segments.data ?? []).filter((s) =>
    `${s.name} ${s.description}`.toLowerCase().includes(search.toLowerCase()),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The API refuses a segment without rules (it would match nobody): it starts with one
    // condition, and the rule builder takes it from there.
    const rules = [
      { type: 'ALL' as const, conditions: [{ property: trait.trim(), operator: 'EQUAL' as const, value }] },
    ];
    create.mutate({ name: name.trim(), rules }, { onSuccess: (segment) => props.onCreated(segment.id) });
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Segments
      </Title>
      <form onSubmit={submit}>
        <Group align="end">
          <TextInput
            label="New segment name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label="First condition: trait"
            required
            maxLength={1000}
            value={trait}
            onChange={(e) => setTrait(e.currentTarget.value)}
          />
          <TextInput
            label="equals"
            required
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
          />
          <Button type="submit" loading={create.isPending}>
            Create segment
          </Button>
        </Group>
      </form>
      <MutationError error={create.error} />
      <TextInput
        label="Search segments"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={260}
      />
      <QueryState what="segments" isPending={segments.isPending} error={segments.error}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Segment</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Top-level rules</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((segment) => (
              <Table.Tr key={segment.id}>
                <Table.Td>
                  <Link to={props.segmentHref(segment.id)}>{segment.name}</Link>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{segment.description}</Text>
                </Table.Td>
                <Table.Td>{segment.rules.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
    </Stack>
  );
}
