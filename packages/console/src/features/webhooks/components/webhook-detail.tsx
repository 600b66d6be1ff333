import { Badge, Button, Group, List, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Decision } from '../../../lib/access.js';
import { formatTime } from '../../../lib/dates.js';
import {
  type Delivery,
  useDeliveries,
  useSendTest,
  useUpdateWebhook,
  type Webhook,
} from '../api/webhooks.js';
import { formOf, shortBody, webhookPatch } from '../model/webhook-form.js';
import { EventsField } from './webhook-form.js';

const STATUS_COLOUR: Record<Delivery['status'], string> = {
  pending: 'yellow',
  delivered: 'green',
  failed: 'red',
};

/** One webhook: its settings to edit, a test ping, and its delivery log. */
export function WebhookDetail(props: { projectId: string; webhook: Webhook; decision: Decision }) {
  const { webhook, decision } = props;
  const update = useUpdateWebhook(props.projectId);
  const [form, setForm] = useState(formOf(webhook));
  const patch = webhookPatch(webhook, form);
  const changed = Object.keys(patch);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (changed.length > 0) update.mutate({ id: webhook.id, patch });
  };

  return (
    <Stack component="section" aria-labelledby="webhook-title" gap="md">
      <Title order={2} size="h3" id="webhook-title" style={{ wordBreak: 'break-all' }}>
        {webhook.url}
      </Title>
      <form onSubmit={submit} aria-label="Webhook settings">
        <Stack maw={640}>
          <TextInput
            label="URL"
            type="url"
            required
            maxLength={2000}
            value={form.url}
            disabled={!decision.allowed}
            onChange={(e) => setForm({ ...form, url: e.currentTarget.value })}
          />
          <EventsField
            value={form.events}
            disabled={!decision.allowed}
            onChange={(events) => setForm({ ...form, events })}
          />
          <TextInput
            label="Description"
            maxLength={2000}
            value={form.description}
            disabled={!decision.allowed}
            onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
          />
          <Switch
            label="Enabled (paused webhooks queue nothing)"
            checked={form.enabled}
            disabled={!decision.allowed}
            onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
          />
          {changed.length > 0 && (
            <Text size="sm" role="status">
              Saving changes: {changed.join(', ')}.
            </Text>
          )}
          <MutationError error={update.error} />
          <Group>
            <GuardedButton
              type="submit"
              decision={decision}
              loading={update.isPending}
              disabled={changed.length === 0 || form.events.length === 0}
            >
              Save webhook
            </GuardedButton>
            {changed.length > 0 && (
              <Button variant="default" onClick={() => setForm(formOf(webhook))}>
                Discard changes
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      <Deliveries webhook={webhook} decision={decision} />
    </Stack>
  );
}

function Deliveries({ webhook, decision }: { webhook: Webhook; decision: Decision }) {
  const deliveries = useDeliveries(webhook.id);
  const test = useSendTest(webhook.id);
  const shown = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack component="section" aria-labelledby="deliveries-title" gap="xs">
      <Group justify="space-between">
        <Title order={3} size="h4" id="deliveries-title">
          Deliveries
        </Title>
        <GuardedButton
          decision={decision}
          variant="default"
          loading={test.isPending}
          onClick={() => test.mutate()}
        >
          Send test
        </GuardedButton>
      </Group>
      <Text size="sm" c="dimmed">
        Newest first. "Send test" queues a ping through the same path as every change.
      </Text>
      <MutationError error={test.error} />
      {/* Once a page is shown, a later failure (an older page, a refresh) is said below it. */}
      <QueryState
        what="deliveries"
        isPending={deliveries.isPending}
        error={deliveries.data ? null : deliveries.error}
      >
        {shown.length === 0 ? (
          <Text>Nothing sent yet.</Text>
        ) : (
          <Table aria-labelledby="deliveries-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Event</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Attempts</Table.Th>
                <Table.Th scope="col">Response</Table.Th>
                <Table.Th scope="col">Body</Table.Th>
                <Table.Th scope="col">Time</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.event}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOUR[d.status]} variant="light">
                      {d.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>{d.response_code ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={d.response_body ?? undefined} ff="monospace">
                      {shortBody(d.response_body)}
                    </Text>
                    {d.error && (
                      <List size="sm">
                        <List.Item>{d.error}</List.Item>
                      </List>
                    )}
                  </Table.Td>
                  <Table.Td>{formatTime(d.completed_at ?? d.created_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group>
          <Text size="sm" role="status">
            {shown.length > 0 &&
              `${shown.length} ${shown.length === 1 ? 'delivery' : 'deliveries'} shown` +
                (deliveries.hasNextPage ? '; older ones follow.' : ': the whole log.')}
          </Text>
          {deliveries.hasNextPage && (
            <Button
              variant="default"
              size="xs"
              loading={deliveries.isFetchingNextPage}
              onClick={() => deliveries.fetchNextPage()}
            >
              Load older deliveries
            </Button>
          )}
        </Group>
        <MutationError error={deliveries.data ? deliveries.error : null} />
      </QueryState>
    </Stack>
  );
}
