import { Button, Checkbox, Group, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { MutationError } from '../../../components/query-state.js';
import type { Environment } from '../../../lib/api-types.js';
import type { EventGroup, NewWebhook } from '../api/webhooks.js';
import { EVENT_GROUPS } from '../model/webhook-form.js';

const EVERY = '';

/** A new webhook: its URL, its scope (fixed afterwards) and the kinds of change it hears. */
export function NewWebhookForm(props: {
  environments: Environment[];
  pending: boolean;
  error: Error | null;
  onCancel: () => void;
  onSubmit: (body: NewWebhook) => void;
}) {
  const [url, setUrl] = useState('');
  const [environment, setEnvironment] = useState(EVERY);
  const [events, setEvents] = useState<EventGroup[]>(['flags']);
  const [description, setDescription] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit({
      url: url.trim(),
      events,
      description,
      ...(environment === EVERY ? {} : { environment_id: environment }),
    });
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label="URL"
          description="http:// or https:// address that receives a POST per change."
          type="url"
          required
          maxLength={2000}
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <Select
          label="Environment"
          description="Fixed once created: to change it, create another webhook."
          data={[
            { value: EVERY, label: 'Every environment of the project' },
            ...props.environments.map((e) => ({ value: e.id, label: e.name })),
          ]}
          value={environment}
          allowDeselect={false}
          onChange={(value) => setEnvironment(value ?? EVERY)}
        />
        <EventsField value={events} onChange={setEvents} />
        <TextInput
          label="Description"
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <MutationError error={props.error} />
        <Group justify="end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={props.pending} disabled={events.length === 0}>
            Create webhook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The event groups as checkboxes: at least one is needed (the server refuses none). */
export function EventsField(props: {
  value: EventGroup[];
  onChange: (value: EventGroup[]) => void;
  disabled?: boolean;
}) {
  return (
    <Checkbox.Group
      label="Events"
      description="Changes of these kinds are sent; choose at least one."
      value={props.value}
      onChange={(value) => props.onChange(value as EventGroup[])}
      error={props.value.length === 0 ? 'Choose at least one kind of event.' : undefined}
    >
      <Stack gap={6} mt="xs">
        {EVENT_GROUPS.map((group) => (
          <Checkbox key={group.value} value={group.value} label={group.label} disabled={props.disabled} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
