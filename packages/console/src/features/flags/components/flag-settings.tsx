import { Button, Group, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { MutationError } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import type { Feature } from '../../../lib/api-types.js';
import { useDeleteFeature, useUpdateFeature } from '../api/flags.js';

/**
 * The flag's own fields, saved together, and its deletion. Archiving is said for what it is:
 * the flag leaves the list and keeps serving; deleting stops serving it everywhere.
 */
export function FlagSettings(props: { projectId: string; feature: Feature; onDeleted: () => void }) {
  const { feature } = props;
  const update = useUpdateFeature(props.projectId);
  const remove = useDeleteFeature(props.projectId);
  const mayEdit = useCan('project.edit', { project: { id: props.projectId } });
  const [description, setDescription] = useState(feature.description);
  const [tags, setTags] = useState(feature.tags);
  const [owner, setOwner] = useState(feature.owner);
  const [serverOnly, setServerOnly] = useState(feature.server_key_only);
  useEffect(() => {
    setDescription(feature.description);
    setTags(feature.tags);
    setOwner(feature.owner);
    setServerOnly(feature.server_key_only);
  }, [feature]);
  const changed =
    description !== feature.description ||
    owner !== feature.owner ||
    serverOnly !== feature.server_key_only ||
    tags.join('\n') !== feature.tags.join('\n');

  return (
    <Stack component="section" aria-labelledby="settings-title" gap="sm" maw={720}>
      <Title order={2} size="h3" id="settings-title">
        Settings
      </Title>
      <Textarea
        label="Description"
        autosize
        minRows={2}
        maxLength={2000}
        value={description}
        onChange={(e) => setDescription(e.currentTarget.value)}
      />
      <Group grow align="start">
        <TagsInput label="Tags" value={tags} onChange={setTags} maxTags={50} />
        <TextInput
          label="Owner"
          description="A person or team"
          maxLength={200}
          value={owner}
          onChange={(e) => setOwner(e.currentTarget.value)}
        />
      </Group>
      <Switch
        label="Server keys only (never sent to browsers and apps)"
        checked={serverOnly}
        onChange={(e) => setServerOnly(e.currentTarget.checked)}
      />
      <MutationError error={update.error} />
      <Group>
        <Button
          disabled={!changed}
          loading={update.isPending}
          onClick={() =>
            update.mutate({ id: feature.id, description, tags, owner, server_key_only: serverOnly })
          }
        >
          Save settings
        </Button>
        <Button
          variant="default"
          loading={update.isPending}
          onClick={() => update.mutate({ id: feature.id, archived: !feature.archived })}
        >
          {feature.archived ? 'Unarchive' : 'Archive'}
        </Button>
        <ConfirmButton
          decision={mayEdit}
          color="red"
          variant="light"
          title={`Delete ${feature.key}?`}
          message="Every environment stops serving it: SDKs get their default value, and its states, overrides and experiments go with it."
          confirmLabel="Delete flag"
          pending={remove.isPending}
          error={remove.error}
          onOpen={remove.reset}
          onConfirm={() => remove.mutate(feature.id, { onSuccess: props.onDeleted })}
        >
          Delete flag
        </ConfirmButton>
      </Group>
      <Text size="sm" c="dimmed">
        Archived flags are hidden from the list but keep evaluating exactly as before; delete a flag to stop
        serving it.
      </Text>
    </Stack>
  );
}
