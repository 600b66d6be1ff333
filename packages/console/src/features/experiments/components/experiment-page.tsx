import { Alert, Badge, Button, Group, List, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { environmentScope, useCan } from '../../../lib/access.js';
import type { Environment, Experiment } from '../../../lib/api-types.js';
import { useExperiment, useExperimentMutations } from '../api/experiments.js';
import { ExperimentForm } from './experiment-form.js';
import { STATUS_COLOURS } from './experiments-page.js';
import { ResultsView } from './results-view.js';

/**
 * One experiment: a draft's setup is editable; starting and stopping say first what they do;
 * once started, the results.
 */
export function ExperimentPage(props: {
  projectId: string;
  environment: Environment;
  experimentKey: string;
  onDeleted: () => void;
}) {
  const { environment } = props;
  const experiment = useExperiment(environment.id, props.experimentKey);
  const { update, start, stop, remove } = useExperimentMutations(environment.id);
  const [confirm, setConfirm] = useState<'start' | 'stop' | null>(null);
  const mayDelete = useCan('environment.edit', environmentScope(environment));
  const e = experiment.data;

  return (
    <QueryState what="the experiment" isPending={experiment.isPending} error={experiment.error}>
      {e && (
        <Stack gap="lg">
          <Group justify="space-between">
            <Group>
              <Title order={1} size="h2">
                {e.name}
              </Title>
              <Badge variant="dot" color={STATUS_COLOURS[e.status]}>
                {e.status}
              </Badge>
            </Group>
            <Group>
              {e.status === 'draft' && <Button onClick={() => setConfirm('start')}>Start experiment</Button>}
              {e.status === 'running' && (
                <Button variant="outline" onClick={() => setConfirm('stop')}>
                  Stop experiment
                </Button>
              )}
              {e.status !== 'running' && (
                <ConfirmButton
                  decision={mayDelete}
                  color="red"
                  variant="light"
                  title={`Delete experiment ${e.name}?`}
                  message={`Its setup and results go; the flag ${e.feature_key} and the logged events stay.`}
                  confirmLabel="Delete experiment"
                  pending={remove.isPending}
                  error={remove.error}
                  onOpen={remove.reset}
                  onConfirm={() => remove.mutate(e.key, { onSuccess: props.onDeleted })}
                >
                  Delete
                </ConfirmButton>
              )}
            </Group>
          </Group>
          <Text c="dimmed">
            Flag <code>{e.feature_key}</code>, control <code>{e.control_variant}</code>, {e.method}, α ={' '}
            {e.alpha}
            {e.cuped ? `, CUPED over ${e.cuped_window_days} days` : ''}.
          </Text>
          {e.hypothesis && <Text>{e.hypothesis}</Text>}
          <MutationError error={start.error ?? stop.error} />
          {e.status === 'draft' ? (
            <Stack component="section" aria-labelledby="setup-title">
              <Title order={2} size="h3" id="setup-title">
                Setup
              </Title>
              <ExperimentForm
                key={e.updated_at}
                projectId={props.projectId}
                environmentId={environment.id}
                initial={e}
                submitLabel="Save setup"
                pending={update.isPending}
                error={update.error}
                onSubmit={({ key: _key, feature: _feature, ...body }) =>
                  update.mutate({ experiment: e.key, ...body })
                }
              />
            </Stack>
          ) : (
            <ResultsView environmentId={environment.id} experiment={e} />
          )}
          <ConfirmStatus
            experiment={e}
            environment={environment}
            action={confirm}
            pending={start.isPending || stop.isPending}
            onCancel={() => setConfirm(null)}
            onConfirm={() => {
              const mutation = confirm === 'start' ? start : stop;
              mutation.mutate(e.key, { onSettled: () => setConfirm(null) });
            }}
          />
        </Stack>
      )}
    </QueryState>
  );
}

/** Says what starting or stopping will do before it is done. */
function ConfirmStatus(props: {
  experiment: Experiment;
  environment: Environment;
  action: 'start' | 'stop' | null;
  pending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { experiment: e, action } = props;
  const primary = e.metrics.filter((m) => m.role === 'primary').map((m) => m.metric_key);
  return (
    <Modal
      opened={action !== null}
      onClose={props.onCancel}
      closeButtonProps={{ 'aria-label': 'Cancel' }}
      title={action === 'start' ? `Start ${e.name}?` : `Stop ${e.name}?`}
    >
      <Stack>
        {action === 'start' ? (
          <List size="sm" spacing={4}>
            <List.Item>
              From now on, users first exposed to <code>{e.feature_key}</code> in {props.environment.name} are
              counted in the variant they get.
            </List.Item>
            <List.Item>Control: {e.control_variant}. The setup can no longer change.</List.Item>
            <List.Item>
              Primary metrics:{' '}
              {primary.length > 0 ? primary.join(', ') : 'none — the server will refuse to start'}.
            </List.Item>
            <List.Item>What users get does not change: the flag's variants decide, as now.</List.Item>
          </List>
        ) : (
          <Alert color="orange">
            Exposures after this moment no longer count, and a stopped experiment cannot start again. The flag
            keeps serving its variants until you change it.
          </Alert>
        )}
        <Group justify="end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button loading={props.pending} onClick={props.onConfirm}>
            {action === 'start' ? 'Start now' : 'Stop now'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
