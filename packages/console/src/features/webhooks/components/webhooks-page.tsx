import { Alert, Badge, Button, Group, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { ShownOnce } from '../../../components/shown-once.js';
import { type Decision, useCan } from '../../../lib/access.js';
import type { Environment } from '../../../lib/api-types.js';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useUpdateWebhook,
  useWebhooks,
  type Webhook,
} from '../api/webhooks.js';
import { WebhookDetail } from './webhook-detail.js';
import { NewWebhookForm } from './webhook-form.js';

/** The project's webhooks: where changes are POSTed, signed, and how each delivery went. */
export function WebhooksPage(props: { projectId: string; environments: Environment[] }) {
  const { projectId, environments } = props;
  const manage = useCan('project.manage', { project: { id: projectId } });
  const webhooks = useWebhooks(projectId);
  const update = useUpdateWebhook(projectId);
  const remove = useDeleteWebhook(projectId);
  const [selected, setSelected] = useState<string | null>(null);
  const current = webhooks.data?.find((w) => w.id === selected);
  const scope = (w: Webhook) =>
    w.environment_id === null
      ? 'Every environment'
      : (environments.find((e) => e.id === w.environment_id)?.name ?? w.environment_id);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Webhooks
        </Title>
        <CreateWebhookButton projectId={projectId} environments={environments} decision={manage} />
      </Group>
      <Text size="sm" c="dimmed">
        Each change of the chosen kinds is POSTed to the URL, signed with the webhook's secret (header
        X-Pennon-Signature). Failed deliveries are retried.
      </Text>
      {!manage.allowed && (
        <Alert color="gray" title="Read only">
          {manage.reason}
        </Alert>
      )}
      <QueryState what="webhooks" isPending={webhooks.isPending} error={webhooks.error}>
        {(webhooks.data ?? []).length === 0 ? (
          <Text>No webhook yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">URL</Table.Th>
                <Table.Th scope="col">Environment</Table.Th>
                <Table.Th scope="col">Events</Table.Th>
                <Table.Th scope="col">Enabled</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(webhooks.data ?? []).map((webhook) => (
                <Table.Tr key={webhook.id}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{webhook.url}</Table.Td>
                  <Table.Td>{scope(webhook)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {webhook.events.map((e) => (
                        <Badge key={e} variant="light" color="dark">
                          {e}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`Enabled: ${webhook.url}`}
                      checked={webhook.enabled}
                      disabled={!manage.allowed || update.isPending}
                      onChange={(e) =>
                        update.mutate({ id: webhook.id, patch: { enabled: e.currentTarget.checked } })
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant={selected === webhook.id ? 'filled' : 'default'}
                        aria-pressed={selected === webhook.id}
                        aria-label={`Open ${webhook.url}`}
                        onClick={() => setSelected(selected === webhook.id ? null : webhook.id)}
                      >
                        Open
                      </Button>
                      <ConfirmButton
                        decision={manage}
                        size="xs"
                        color="red"
                        variant="subtle"
                        aria-label={`Delete webhook ${webhook.url}`}
                        title="Delete this webhook?"
                        message={`${webhook.url} stops receiving changes; its delivery log goes with it and pending deliveries are not sent.`}
                        confirmLabel="Delete webhook"
                        pending={remove.isPending}
                        error={remove.error}
                        onOpen={remove.reset}
                        onConfirm={(done) =>
                          remove.mutate(webhook.id, {
                            onSuccess: () => {
                              if (selected === webhook.id) setSelected(null);
                              done();
                            },
                          })
                        }
                      >
                        Delete
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <MutationError error={update.error} />
      {current && (
        <WebhookDetail key={current.id} projectId={projectId} webhook={current} decision={manage} />
      )}
    </Stack>
  );
}

function CreateWebhookButton(props: { projectId: string; environments: Environment[]; decision: Decision }) {
  const [opened, { open, close }] = useDisclosure(false);
  const create = useCreateWebhook(props.projectId);
  return (
    <>
      <GuardedButton decision={props.decision} onClick={open}>
        New webhook
      </GuardedButton>
      <Modal opened={opened} onClose={close} onExitTransitionEnd={create.reset} title="New webhook" size="lg">
        {create.data ? (
          <ShownOnce title="Webhook created" label="signing secret" value={create.data.secret} onDone={close}>
            This is its signing secret: receivers check the X-Pennon-Signature header with it. It is shown
            only now.
          </ShownOnce>
        ) : (
          <NewWebhookForm
            environments={props.environments}
            pending={create.isPending}
            error={create.error}
            onCancel={close}
            onSubmit={(body) => create.mutate(body)}
          />
        )}
      </Modal>
    </>
  );
}
