import { ActionIcon, Button, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { MutationError } from '../../../components/query-state.js';
import { parseTrait, type TraitValue, traitToText } from '../../../lib/traits.js';

type Patch = UseMutationResult<unknown, Error, Record<string, TraitValue | null>>;

/** The identity's stored traits: set one (typed as SDKs type them) or delete one. */
export function TraitsEditor({ traits, patch }: { traits: Record<string, TraitValue>; patch: Patch }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const parsed = key || value ? parseTrait(key, value) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (parsed?.ok)
      patch.mutate(
        { [parsed.key]: parsed.value },
        {
          onSuccess: () => {
            setKey('');
            setValue('');
          },
        },
      );
  };
  const entries = Object.entries(traits).sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <Stack component="section" aria-labelledby="traits-title" gap="xs">
      <Title order={2} size="h3" id="traits-title">
        Traits
      </Title>
      {entries.length === 0 ? (
        <Text size="sm">No stored traits.</Text>
      ) : (
        <Table w="auto">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Trait</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map(([name, stored]) => (
              <Table.Tr key={name}>
                <Table.Td>{name}</Table.Td>
                <Table.Td>
                  <Code>{traitToText(stored)}</Code>
                </Table.Td>
                <Table.Td>{typeof stored}</Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete trait ${name}`}
                    onClick={() => patch.mutate({ [name]: null })}
                  >
                    ✕
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={submit}>
        <Group align="start">
          <TextInput label="Trait key" value={key} onChange={(e) => setKey(e.currentTarget.value)} />
          <TextInput
            label="Trait value"
            description='true/false and numbers are typed; quote to keep text: "01234"'
            value={value}
            error={parsed && !parsed.ok ? parsed.message : undefined}
            onChange={(e) => setValue(e.currentTarget.value)}
          />
          <Button type="submit" mt={24} variant="light" disabled={!parsed?.ok} loading={patch.isPending}>
            Set trait
          </Button>
        </Group>
      </form>
      <MutationError error={patch.error} />
    </Stack>
  );
}
