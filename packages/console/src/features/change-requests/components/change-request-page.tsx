import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { JsonDiffTable } from '../../../components/json-diff-table.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import { useActorName, useSelf } from '../../../lib/actors.js';
import type { Environment } from '../../../lib/api-types.js';
import { formatTime } from '../../../lib/dates.js';
import { type ReviewAction, useChangeRequest, useReviewAction } from '../api/change-requests.js';
import { reviewChoice } from '../model/review.js';
import { RequestHistory } from './request-history.js';
import { ReviseDialog } from './revise-dialog.js';
import { StatusBadge } from './status-badge.js';

/** One change request: what it would change (now vs proposed, per target), and its review. */
export function ChangeRequestPage(props: { projectId: string; environment: Environment; id: string }) {
  const { environment } = props;
  const request = useChangeRequest(environment.id, props.id);
  const review = useReviewAction(environment.id, props.id);
  const self = useSelf();
  const [revising, setRevising] = useState(false);
  // Once committed every target has "moved" (the commit moved it): the warning is for pending requests.
  const pending = request.data?.status === 'open' || request.data?.status === 'approved';
  const actorName = useActorName();
  const scope = {
    project: { id: props.projectId },
    environment: { id: environment.id, key: environment.key },
  };
  const mayEdit = useCan('environment.edit', scope).allowed;
  const mayPropose = useCan('environment.propose', scope).allowed;

  return (
    <QueryState what="the change request" isPending={request.isPending} error={request.error}>
      {request.data && (
        <Stack gap="lg">
          <Stack gap={4}>
            <Group>
              <Title order={1} size="h2">
                {request.data.title}
              </Title>
              <StatusBadge status={request.data.status} />
            </Group>
            <Text size="sm">
              Proposed by {actorName(request.data.author)} on {formatTime(request.data.created_at)} · revision{' '}
              {request.data.revision} · {request.data.approvals.length} of {request.data.required_approvals}{' '}
              approval{request.data.required_approvals === 1 ? '' : 's'}
              {request.data.approvals.length > 0 &&
                ` (${request.data.approvals.map((a) => actorName(a.actor)).join(', ')})`}
              {request.data.scheduled_at && ` · commits at ${formatTime(request.data.scheduled_at)}`}
            </Text>
            {request.data.description && <Text>{request.data.description}</Text>}
            {request.data.failure && (
              <Alert color="red" title="The scheduled commit failed">
                {request.data.failure.message}
              </Alert>
            )}
          </Stack>
          <Stack component="section" aria-labelledby="diff-title">
            <Title order={2} size="h3" id="diff-title">
              What it changes in {environment.name}
            </Title>
            {request.data.diff.map((d, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the diff is ordered as the changes, without ids.
              <Paper key={index} withBorder p="sm">
                <Group mb="xs">
                  <Text fw={500}>{d.target}</Text>
                  {pending && d.moved && (
                    <Badge color="orange" variant="light">
                      changed since proposed
                    </Badge>
                  )}
                </Group>
                {pending && d.moved && (
                  <Text size="sm" mb="xs">
                    This target changed after the request was made: committing would be refused. The author
                    can revise it against what is there now.
                  </Text>
                )}
                <JsonDiffTable
                  before={d.current}
                  after={d.proposed}
                  caption={`${d.target}: now and proposed`}
                />
              </Paper>
            ))}
          </Stack>
          <Actions
            choice={reviewChoice(request.data, self, mayEdit, mayPropose)}
            pending={review.isPending ? review.variables?.action : undefined}
            onAction={(action) => review.mutate({ action, revision: request.data.revision })}
            onRevise={() => setRevising(true)}
          />
          <MutationError error={review.error} />
          {revising && (
            <ReviseDialog
              environmentId={environment.id}
              request={request.data}
              onClose={() => setRevising(false)}
            />
          )}
          <RequestHistory environment={environment} id={request.data.id} />
        </Stack>
      )}
    </QueryState>
  );
}

function Actions(props: {
  choice: ReturnType<typeof reviewChoice>;
  pending: ReviewAction | undefined;
  onAction: (action: ReviewAction) => void;
  onRevise: () => void;
}) {
  const { choice, pending } = props;
  const any = Object.values(choice).some((c) => c.show);
  if (!any) return null;
  return (
    <Stack gap="xs" component="section" aria-label="Review">
      <Group>
        {choice.approve.show && (
          <Button
            disabled={!!choice.approve.why}
            loading={pending === 'approve'}
            onClick={() => props.onAction('approve')}
          >
            Approve
          </Button>
        )}
        {choice.commit.show && (
          <Button
            disabled={!!choice.commit.why}
            loading={pending === 'commit'}
            onClick={() => props.onAction('commit')}
          >
            Commit
          </Button>
        )}
        {choice.reject.show && (
          <Button
            color="red"
            variant="light"
            loading={pending === 'reject'}
            onClick={() => props.onAction('reject')}
          >
            Reject
          </Button>
        )}
        {choice.revise.show && (
          <Button variant="default" onClick={props.onRevise}>
            Revise
          </Button>
        )}
        {choice.cancel.show && (
          <Button variant="default" loading={pending === 'cancel'} onClick={() => props.onAction('cancel')}>
            Cancel request
          </Button>
        )}
      </Group>
      {[choice.approve.why, choice.commit.why].filter(Boolean).map((why) => (
        <Text key={why} size="sm">
          {why}
        </Text>
      ))}
    </Stack>
  );
}
