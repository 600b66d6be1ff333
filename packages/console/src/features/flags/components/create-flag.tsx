import { Button, Group, Modal, Select, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import type { FeatureType } from '../../../lib/api-types.js';
import { useCreateFeature } from '../api/flags.js';

/** As the API states it (features.schema.ts): letters, digits and `_ . : -`, up to 100. */
const KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

export function CreateFlagButton({ projectId }: { projectId: string }) {
  const [opened, { open, close }] = useDisclosure(false);
  const create = useCreateFeature(projectId);
  const decision = useCan('project.edit', { project: { id: projectId } });
  const [key, setKey] = useState('');
  const [type, setType] = useState<FeatureType>('boolean');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const keyError =
    key !== '' && !KEY.test(key) ? 'Letters, digits, "_", ".", ":" or "-"; up to 100.' : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (keyError) return;
    create.mutate(
      { key, type, description, tags },
      {
        onSuccess: () => {
          setKey('');
          setDescription('');
          setTags([]);
          close();
        },
      },
    );
  };

  return (
    <>
      <GuardedButton decision={decision} onClick={open}>
        New flag
      </GuardedButton>
      <Modal opened={opened} onClose={close} title="New flag">
        <form onSubmit={submit}>
          <Stack>
            <TextInput
              label="Key"
              required
              value={key}
              error={keyError}
              onChange={(e) => setKey(e.currentTarget.value)}
              data-autofocus
            />
            <Select
              label="Type"
              allowDeselect={false}
              data={['boolean', 'string', 'number', 'json']}
              value={type}
              onChange={(t) => t && setType(t as FeatureType)}
            />
            <Textarea
              label="Description"
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <TagsInput label="Tags" value={tags} onChange={setTags} maxTags={50} />
            <MutationError error={create.error} />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
