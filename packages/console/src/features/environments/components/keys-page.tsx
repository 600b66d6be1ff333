import { Alert, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { CopyField } from '../../../components/copy-field.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Environment } from '../../../lib/api-types.js';
import {
  useCreateServerKey,
  useDeleteServerKey,
  useRotateClientKey,
  useServerKeys,
} from '../api/environments.js';

/**
 * The environment's keys. The client key is public and always shown; a server key's secret
 * is shown once, right after creation, and then only its prefix survives on the server.
 */
export function KeysPage({ projectId, environment }: { projectId: string; environment: Environment }) {
  const keys = useServerKeys(environment.id);
  const create = useCreateServerKey(environment.id);
  const remove = useDeleteServerKey(environment.id);
  const rotate = useRotateClientKey(projectId, environment.id);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (key) => {
        setCreated({ name: key.name, key: key.key });
        setName('');
      },
    });
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Keys of {environment.name}
      </Title>
      <Stack gap={4}>
        <Title order={2} size="h4">
          Client key
        </Title>
        <Text size="sm" c="dimmed">
          Public: may sit in a web page or app; it only gets evaluated flags.
        </Text>
        <CopyField label="client key" value={environment.client_key} />
        <Group>
          <Button
            variant="default"
            size="xs"
            loading={rotate.isPending}
            onClick={() => {
              if (window.confirm('Rotate the client key? Apps using the old key stop getting flags.'))
                rotate.mutate();
            }}
          >
            Rotate client key
          </Button>
        </Group>
        <MutationError error={rotate.error} />
      </Stack>
      <Stack gap="xs">
        <Title order={2} size="h4">
          Server keys
        </Title>
        <Text size="sm" c="dimmed">
          Secret, for backends: they download every rule of this environment.
        </Text>
        {created && (
          <Alert color="blue" title={`Server key "${created.name}" created`} role="status">
            <Stack gap={4}>
              <Text size="sm">Copy it now: it is shown only this once.</Text>
              <CopyField label="new server key" value={created.key} />
              <Group>
                <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                  I have copied it
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <form onSubmit={submit}>
          <Group align="end">
            <TextInput
              label="New server key name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Button type="submit" loading={create.isPending}>
              Create server key
            </Button>
          </Group>
        </form>
        <MutationError error={create.error ?? remove.error} />
        <QueryState what="server keys" isPending={keys.isPending} error={keys.error}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(keys.data ?? []).map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <code>{key.key}</code>
                  </Table.Td>
                  <Table.Td>{new Date(key.created_at).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      color="red"
                      variant="subtle"
                      onClick={() => {
                        if (window.confirm(`Revoke server key "${key.name}"?`)) remove.mutate(key.id);
                      }}
                    >
                      Revoke {key.name}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </QueryState>
      </Stack>
    </Stack>
  );
}
