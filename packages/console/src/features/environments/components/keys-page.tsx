import { Alert, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { CopyField } from '../../../components/copy-field.js';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { environmentScope, useCan } from '../../../lib/access.js';
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
  // Keys are the environment's settings: project admins (and organisation admins) manage them.
  const manage = useCan('environment.manage', environmentScope(environment));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!manage.allowed) return;
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
          <ConfirmButton
            decision={manage}
            variant="default"
            size="xs"
            title="Rotate the client key?"
            message="A new client key replaces this one at once: apps using the old key stop getting flags."
            confirmLabel="Rotate client key"
            pending={rotate.isPending}
            error={rotate.error}
            onOpen={rotate.reset}
            onConfirm={(done) => rotate.mutate(undefined, { onSuccess: done })}
          >
            Rotate client key
          </ConfirmButton>
        </Group>
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
              disabled={!manage.allowed}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <GuardedButton type="submit" decision={manage} loading={create.isPending}>
              Create server key
            </GuardedButton>
          </Group>
        </form>
        <MutationError error={create.error} />
        <QueryState what="server keys" isPending={keys.isPending} error={keys.error}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Key (masked)</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">
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
                    <ConfirmButton
                      decision={manage}
                      size="xs"
                      color="red"
                      variant="subtle"
                      title={`Revoke server key "${key.name}"?`}
                      message="Backends using it are refused from their next request on. This cannot be undone."
                      confirmLabel="Revoke server key"
                      pending={remove.isPending}
                      error={remove.error}
                      onOpen={remove.reset}
                      onConfirm={(done) => remove.mutate(key.id, { onSuccess: done })}
                    >
                      Revoke {key.name}
                    </ConfirmButton>
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
