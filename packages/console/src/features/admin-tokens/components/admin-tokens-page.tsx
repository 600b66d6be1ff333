import { Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { ShownOnce } from '../../../components/shown-once.js';
import { type Decision, useCan } from '../../../lib/access.js';
import { formatTime } from '../../../lib/dates.js';
import { useMe } from '../../../lib/me.js';
import {
  type TokenRole,
  useAdminTokens,
  useCreateAdminToken,
  useRevokeAdminToken,
} from '../api/admin-tokens.js';
import { tokenRolesFor } from '../model/roles.js';

/** The organisation's admin tokens: for scripts and CI, acting with an owner's or admin's role. */
export function AdminTokensPage() {
  const manage = useCan('tokens.manage');
  const tokens = useAdminTokens();
  const revoke = useRevokeAdminToken();

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Admin tokens
        </Title>
        <CreateTokenButton decision={manage} />
      </Group>
      <Text size="sm" c="dimmed">
        A token acts for the whole organisation with its role, through the admin API. Its secret is shown
        once, when it is created; revoking it refuses it at once.
      </Text>
      <QueryState what="admin tokens" isPending={tokens.isPending} error={tokens.error}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Role</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(tokens.data ?? []).map((token) => (
              <Table.Tr key={token.id}>
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>{token.role}</Table.Td>
                <Table.Td>{formatTime(token.created_at)}</Table.Td>
                <Table.Td>
                  <ConfirmButton
                    decision={manage}
                    size="xs"
                    color="red"
                    variant="subtle"
                    aria-label={`Revoke token ${token.name}`}
                    title={`Revoke token "${token.name}"?`}
                    message="Scripts and pipelines using it are refused from the next request on. This cannot be undone."
                    confirmLabel="Revoke token"
                    pending={revoke.isPending}
                    error={revoke.error}
                    onOpen={revoke.reset}
                    onConfirm={(done) => revoke.mutate(token.id, { onSuccess: done })}
                  >
                    Revoke
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
    </Stack>
  );
}

function CreateTokenButton({ decision }: { decision: Decision }) {
  const [opened, { open, close }] = useDisclosure(false);
  const create = useCreateAdminToken();
  const roles = tokenRolesFor(useMe().data?.organisation_role);
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('admin');
  // The secret goes once the dialog has closed, never to be shown again.
  const forget = () => {
    create.reset();
    setName('');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), role });
  };
  return (
    <>
      <GuardedButton decision={decision} onClick={open}>
        New admin token
      </GuardedButton>
      <Modal opened={opened} onClose={close} onExitTransitionEnd={forget} title="New admin token">
        {create.data ? (
          <ShownOnce
            title={`Token "${create.data.name}" created`}
            label="admin token"
            value={create.data.token}
            onDone={close}
          >
            Copy it now: it is shown only this once, and Pennon keeps only its digest.
          </ShownOnce>
        ) : (
          <form onSubmit={submit}>
            <Stack>
              <TextInput
                label="Name"
                description="Where it is used, e.g. “CI deploys”."
                required
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
              <Select
                label="Role"
                description="Owner: everything. Admin: everything but owners and their tokens."
                data={roles}
                value={role}
                allowDeselect={false}
                onChange={(value) => value && setRole(value as TokenRole)}
              />
              <MutationError error={create.error} />
              <Group justify="end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending}>
                  Create token
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
