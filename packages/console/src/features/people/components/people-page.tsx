import { Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { ShownOnce } from '../../../components/shown-once.js';
import { useCan } from '../../../lib/access.js';
import { formatTime } from '../../../lib/dates.js';
import { useMe } from '../../../lib/me.js';
import {
  type OrganisationRole,
  useChangeRole,
  useInvitations,
  useInvite,
  useUsers,
  useWithdrawInvitation,
} from '../api/people.js';

const ROLES: OrganisationRole[] = ['owner', 'admin', 'member'];

/** People of the organisation, their roles, and invitations (the link shown once). */
export function PeoplePage() {
  const manage = useCan('users.manage');
  const me = useMe().data;
  const users = useUsers();
  const invitations = useInvitations();
  const changeRole = useChangeRole();
  const withdraw = useWithdrawInvitation();

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          People
        </Title>
        <InviteButton disabledBy={manage} />
      </Group>
      <Stack component="section" aria-labelledby="users-title">
        <Title order={2} size="h3" id="users-title">
          Members of {me?.organisation.name}
        </Title>
        <QueryState what="people" isPending={users.isPending} error={users.error}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Email</Table.Th>
                <Table.Th scope="col">Organisation role</Table.Th>
                <Table.Th scope="col">Joined</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(users.data ?? []).map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>{user.name}</Table.Td>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Organisation role of ${user.email}`}
                      data={ROLES}
                      value={user.role}
                      allowDeselect={false}
                      disabled={!manage.allowed || user.id === me?.user?.id}
                      onChange={(role) =>
                        role && changeRole.mutate({ id: user.id, role: role as OrganisationRole })
                      }
                      w={130}
                    />
                  </Table.Td>
                  <Table.Td>{formatTime(user.created_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </QueryState>
        <MutationError error={changeRole.error} />
      </Stack>
      <Stack component="section" aria-labelledby="invitations-title">
        <Title order={2} size="h3" id="invitations-title">
          Invitations
        </Title>
        <QueryState what="invitations" isPending={invitations.isPending} error={invitations.error}>
          {(invitations.data ?? []).length === 0 ? (
            <Text>No invitation is waiting.</Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">Role</Table.Th>
                  <Table.Th scope="col">Expires</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(invitations.data ?? []).map((invitation) => (
                  <Table.Tr key={invitation.id}>
                    <Table.Td>{invitation.email}</Table.Td>
                    <Table.Td>{invitation.organisation_role}</Table.Td>
                    <Table.Td>{formatTime(invitation.expires_at)}</Table.Td>
                    <Table.Td>
                      <GuardedButton
                        decision={manage}
                        size="xs"
                        variant="default"
                        aria-label={`Withdraw the invitation of ${invitation.email}`}
                        loading={withdraw.isPending && withdraw.variables === invitation.id}
                        onClick={() => withdraw.mutate(invitation.id)}
                      >
                        Withdraw
                      </GuardedButton>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
        <MutationError error={withdraw.error} />
      </Stack>
    </Stack>
  );
}

function InviteButton({ disabledBy }: { disabledBy: ReturnType<typeof useCan> }) {
  const [opened, { open, close }] = useDisclosure(false);
  const invite = useInvite();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrganisationRole>('member');
  // The link goes once the dialog has closed, never to be shown again.
  const forget = () => {
    invite.reset();
    setEmail('');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ email: email.trim(), organisation_role: role });
  };
  return (
    <>
      <GuardedButton decision={disabledBy} onClick={open}>
        Invite someone
      </GuardedButton>
      <Modal opened={opened} onClose={close} onExitTransitionEnd={forget} title="Invite someone">
        {invite.data ? (
          <ShownOnce
            title="Invitation created"
            label="invitation link"
            value={invite.data.url}
            onDone={close}
          >
            Send this link to {invite.data.email}. It is shown only now; it expires{' '}
            {formatTime(invite.data.expires_at)}.
          </ShownOnce>
        ) : (
          <form onSubmit={submit}>
            <Stack>
              <TextInput
                label="Email"
                type="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <Select
                label="Organisation role"
                description="Members see only the projects they are given."
                data={ROLES}
                value={role}
                allowDeselect={false}
                onChange={(value) => value && setRole(value as OrganisationRole)}
              />
              <MutationError error={invite.error} />
              <Group justify="end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={invite.isPending}>
                  Create invitation
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
