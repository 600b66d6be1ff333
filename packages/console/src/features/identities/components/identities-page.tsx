import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Environment } from '../../../lib/api-types.js';
import { useCreateIdentity, useIdentitySearch } from '../api/identities.js';

/** Look an identity up by the start of its identifier, or create one to override flags for it. */
export function IdentitiesPage(props: {
  environment: Environment;
  identityHref: (id: string) => string;
  onOpen: (id: string) => void;
}) {
  const { environment } = props;
  const [search, setSearch] = useState('');
  const [prefix] = useDebouncedValue(search, 200);
  const identities = useIdentitySearch(environment.id, prefix);
  const create = useCreateIdentity(environment.id);
  const [identifier, setIdentifier] = useState('');
  const items = identities.data?.items ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(identifier.trim(), { onSuccess: (created) => props.onOpen(created.id) });
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Identities in {environment.name}
      </Title>
      <Text size="sm" c="dimmed">
        Users the SDKs identified in this environment. Open one to see every flag it gets and why.
      </Text>
      <TextInput
        label="Find by identifier"
        description="Identifiers starting with this text (case-sensitive)"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && items[0]) props.onOpen(items[0].id);
        }}
        w={320}
      />
      <QueryState what="identities" isPending={identities.isPending} error={identities.error}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Identifier</Table.Th>
              <Table.Th>First seen</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((identity) => (
              <Table.Tr key={identity.id}>
                <Table.Td>
                  <Link to={props.identityHref(identity.id)}>{identity.identifier}</Link>
                </Table.Td>
                <Table.Td>{new Date(identity.created_at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed" aria-live="polite">
          {items.length === 0
            ? prefix
              ? `No identifier starts with "${prefix}".`
              : 'No identity yet.'
            : identities.data?.next_cursor
              ? `The first ${items.length}; type more of the identifier to narrow.`
              : `${items.length} shown.`}
        </Text>
      </QueryState>
      <form onSubmit={submit}>
        <Group align="end">
          <TextInput
            label="New identity"
            required
            maxLength={1000}
            value={identifier}
            onChange={(e) => setIdentifier(e.currentTarget.value)}
          />
          <Button
            type="submit"
            variant="light"
            loading={create.isPending}
            disabled={identifier.trim() === ''}
          >
            Create identity
          </Button>
        </Group>
      </form>
      <MutationError error={create.error} />
    </Stack>
  );
}
