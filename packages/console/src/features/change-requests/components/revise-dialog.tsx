import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { JsonDiffTable } from '../../../components/json-diff-table.js';
import { MutationError } from '../../../components/query-state.js';
import { RequestTextFields } from '../../../components/request-text-fields.js';
import { type ChangeRequest, useReviseChangeRequest } from '../api/change-requests.js';
import { revisionDraft } from '../model/revision.js';

/**
 * The author revises a pending request: its title, description and changes. Before sending,
 * it shows how the changes differ from the current revision and whether the approvals given
 * so far will start over.
 */
export function ReviseDialog(props: { environmentId: string; request: ChangeRequest; onClose: () => void }) {
  const { request } = props;
  const revise = useReviseChangeRequest(props.environmentId, request.id);
  const [title, setTitle] = useState(request.title);
  const [description, setDescription] = useState(request.description);
  const [changesText, setChangesText] = useState(JSON.stringify(request.changes, null, 2));
  const draft = revisionDraft(request, { title, description, changesText });
  const approvals = request.approvals.length;
  const nothing = draft.ok && Object.keys(draft.body).length === 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.ok || nothing) return;
    revise.mutate(draft.body as Parameters<typeof revise.mutate>[0], { onSuccess: props.onClose });
  };

  return (
    <Modal opened onClose={props.onClose} title={`Revise ${request.title}`} size="xl">
      <form onSubmit={submit}>
        <Stack>
          <RequestTextFields
            title={title}
            description={description}
            onTitle={setTitle}
            onDescription={setDescription}
          />
          <Textarea
            label="Changes (JSON, as the API takes them)"
            description='Each with its "kind" and target; checked as the direct routes check them.'
            autosize
            minRows={6}
            maxRows={20}
            styles={{ input: { fontFamily: 'monospace' } }}
            value={changesText}
            error={draft.ok ? undefined : draft.message}
            onChange={(e) => setChangesText(e.currentTarget.value)}
          />
          {draft.ok && draft.newRevision && (
            <>
              <Alert color="orange" title={`This makes revision ${request.revision + 1}`}>
                {approvals === 0
                  ? 'Reviewers approve the new revision, against what is there now.'
                  : `${approvals === 1 ? 'The approval' : `The ${approvals} approvals`} given so far ${approvals === 1 ? 'is' : 'are'} withdrawn: reviewers approve the new revision, against what is there now.`}
              </Alert>
              <JsonDiffTable
                before={request.changes}
                after={JSON.parse(changesText)}
                caption={`Changes: revision ${request.revision} and revised`}
              />
            </>
          )}
          {draft.ok && !draft.newRevision && !nothing && (
            <Text size="sm">Only the title or description change: approvals stay.</Text>
          )}
          <MutationError error={revise.error} />
          <Group justify="end">
            <Button variant="default" onClick={props.onClose}>
              Keep as it is
            </Button>
            <Button type="submit" loading={revise.isPending} disabled={!draft.ok || nothing}>
              Save revision
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
