import { Button, Group, List, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { type Decision, useCan } from '../../../lib/access.js';
import type { Environment } from '../../../lib/api-types.js';
import {
  type Member,
  useAddMember,
  useCandidates,
  useMembers,
  useRemoveMember,
  useUpdateMember,
} from '../api/members.js';
import { accessChanges, accessIn, limitsToSend } from '../model/members.js';
import { AccessFields, type AccessValue } from './access-fields.js';

/** Who works in this project, with which role, and an editor's access per environment. */
export function MembersPage(props: { projectId: string; environments: Environment[] }) {
  const { projectId, environments } = props;
  const manage = useCan('project.manage', { project: { id: projectId } });
  const members = useMembers(projectId);
  const remove = useRemoveMember(projectId);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Project members
        </Title>
        <AddMemberButton projectId={projectId} environments={environments} decision={manage} />
      </Group>
      <Text size="sm" c="dimmed">
        Organisation owners and admins reach every project and are not listed. Members see only the projects
        they are given here.
      </Text>
      <QueryState what="project members" isPending={members.isPending} error={members.error}>
        {(members.data ?? []).length === 0 ? (
          <Text>Nobody has been given this project yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Email</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                {environments.map((e) => (
                  <Table.Th scope="col" key={e.id}>
                    {e.name}
                  </Table.Th>
                ))}
                <Table.Th scope="col">
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(members.data ?? []).map((member) => (
                <Table.Tr key={member.user_id}>
                  <Table.Td>{member.name}</Table.Td>
                  <Table.Td>{member.email}</Table.Td>
                  <Table.Td>{member.role}</Table.Td>
                  {environments.map((e) => (
                    <Table.Td key={e.id}>{accessIn(member.role, member.environments, e.id)}</Table.Td>
                  ))}
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <EditMemberButton
                        projectId={projectId}
                        environments={environments}
                        member={member}
                        decision={manage}
                      />
                      <ConfirmButton
                        decision={manage}
                        size="xs"
                        color="red"
                        variant="subtle"
                        aria-label={`Remove ${member.email} from the project`}
                        title={`Remove ${member.name || member.email}?`}
                        message="They lose every access to this project at once; their past changes stay in the audit log."
                        confirmLabel="Remove from project"
                        pending={remove.isPending}
                        error={remove.error}
                        onOpen={remove.reset}
                        onConfirm={(done) => remove.mutate(member.user_id, { onSuccess: done })}
                      >
                        Remove
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function ChangeList({ changes }: { changes: string[] }) {
  if (changes.length === 0) return <Text size="sm">Nothing to save yet.</Text>;
  return (
    <Stack gap={4} role="status">
      <Text size="sm" fw={500}>
        Saving will change:
      </Text>
      <List size="sm">
        {changes.map((c) => (
          <List.Item key={c}>{c}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

function EditMemberButton(props: {
  projectId: string;
  environments: Environment[];
  member: Member;
  decision: Decision;
}) {
  const { member } = props;
  const [opened, { open, close }] = useDisclosure(false);
  const update = useUpdateMember(props.projectId);
  const initial: AccessValue = { role: member.role, environments: { ...member.environments } };
  const [value, setValue] = useState(initial);
  const changes = accessChanges(member, value, props.environments);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      {
        userId: member.user_id,
        patch: { role: value.role, environments: limitsToSend(value.role, value.environments) },
      },
      { onSuccess: close },
    );
  };
  return (
    <>
      <GuardedButton
        decision={props.decision}
        size="xs"
        variant="default"
        aria-label={`Change access of ${member.email}`}
        onClick={() => {
          update.reset();
          setValue(initial);
          open();
        }}
      >
        Change access
      </GuardedButton>
      <Modal opened={opened} onClose={close} title={`Access of ${member.name || member.email}`} size="lg">
        <form onSubmit={submit}>
          <Stack>
            <AccessFields
              who={member.email}
              environments={props.environments}
              value={value}
              onChange={setValue}
            />
            <ChangeList changes={changes} />
            <MutationError error={update.error} />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={update.isPending} disabled={changes.length === 0}>
                Save access
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function AddMemberButton(props: { projectId: string; environments: Environment[]; decision: Decision }) {
  const [opened, { open, close }] = useDisclosure(false);
  const people = useCandidates(props.projectId, opened);
  const add = useAddMember(props.projectId);
  const [userId, setUserId] = useState<string | null>(null);
  const [value, setValue] = useState<AccessValue>({ role: 'viewer', environments: {} });
  const candidates = people.data ?? [];
  const reset = () => {
    add.reset();
    setUserId(null);
    setValue({ role: 'viewer', environments: {} });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!userId) return;
    add.mutate(
      { user_id: userId, role: value.role, environments: limitsToSend(value.role, value.environments) },
      { onSuccess: close },
    );
  };
  const chosen = candidates.find((p) => p.id === userId);
  return (
    <>
      <GuardedButton decision={props.decision} onClick={open}>
        Add a person
      </GuardedButton>
      <Modal opened={opened} onClose={close} onExitTransitionEnd={reset} title="Add a person" size="lg">
        <form onSubmit={submit}>
          <Stack>
            <QueryState what="people" isPending={people.isPending} error={people.error}>
              <Select
                label="Person"
                description="Members of the organisation not in this project yet (owners and admins have every project)."
                placeholder={candidates.length === 0 ? 'Nobody left to add' : 'Choose someone'}
                data={candidates.map((p) => ({ value: p.id, label: `${p.name} <${p.email}>` }))}
                value={userId}
                searchable
                required
                onChange={setUserId}
              />
            </QueryState>
            <AccessFields
              who={chosen?.email ?? 'the person'}
              environments={props.environments}
              value={value}
              onChange={setValue}
            />
            <MutationError error={add.error} />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending} disabled={!userId}>
                Add to project
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
