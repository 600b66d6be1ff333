import { Alert, Button, Group, List, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { Environment, Feature, FeatureState } from '../../../lib/api-types.js';
import { featuresKey, statesKey } from '../api/flags.js';
import { type BulkAction, type BulkPlan, type BulkStep, planBulk } from '../model/bulk.js';

interface Outcome {
  done: number;
  failures: { key: string; message: string }[];
}

/**
 * Acts on the selected flags at once. The plan (which flags change how, which stay as they are)
 * is shown before anything is sent; steps go one by one, and every refusal is named with the
 * server's message (e.g. a protected environment that needs a change request).
 */
export function BulkActions(props: {
  projectId: string;
  selected: Feature[];
  environments: Environment[];
  statesByEnvironment: ReadonlyMap<string, ReadonlyMap<string, FeatureState>>;
  onDone: () => void;
}) {
  const queries = useQueryClient();
  const [choice, setChoice] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const [plan, setPlan] = useState<BulkPlan | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const action = toAction(choice, tag.trim(), props.environments);
  const apply = useMutation({
    mutationFn: async (steps: BulkStep[]) => {
      const result: Outcome = { done: 0, failures: [] };
      for (const step of steps) {
        try {
          await send(step);
          result.done++;
        } catch (error) {
          result.failures.push({ key: step.feature.key, message: (error as Error).message });
        }
      }
      return result;
    },
    onSettled: async () => {
      await queries.invalidateQueries({ queryKey: featuresKey(props.projectId) });
      for (const e of props.environments) await queries.invalidateQueries({ queryKey: statesKey(e.id) });
    },
    onSuccess: (result) => {
      setOutcome(result);
      setPlan(null);
      if (result.failures.length === 0) props.onDone();
    },
  });
  const choices = [
    { value: 'add-tag', label: 'Add a tag' },
    { value: 'remove-tag', label: 'Remove a tag' },
    { value: 'archive', label: 'Archive' },
    { value: 'unarchive', label: 'Unarchive' },
    ...props.environments.flatMap((e) => [
      { value: `on:${e.id}`, label: `Turn on in ${e.name}` },
      { value: `off:${e.id}`, label: `Turn off in ${e.name}` },
    ]),
  ];
  const needsTag = choice === 'add-tag' || choice === 'remove-tag';

  return (
    <Stack gap="xs">
      <Group align="end" aria-label="Bulk actions" role="group">
        <Text size="sm" fw={500}>
          {props.selected.length} selected
        </Text>
        <Select
          label="Action on the selected flags"
          data={choices}
          value={choice}
          onChange={setChoice}
          w={240}
        />
        {needsTag && (
          <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} w={160} />
        )}
        <Button
          variant="light"
          disabled={!action || props.selected.length === 0}
          onClick={() => {
            if (!action) return;
            setOutcome(null);
            setPlan(planBulk(action, props.selected, (id) => props.statesByEnvironment.get(id)));
          }}
        >
          Review changes
        </Button>
      </Group>
      {outcome && (
        <Alert
          color={outcome.failures.length ? 'red' : 'green'}
          role={outcome.failures.length ? 'alert' : 'status'}
        >
          {outcome.done} changed.
          {outcome.failures.length > 0 && (
            <List size="sm">
              {outcome.failures.map((f) => (
                <List.Item key={f.key}>
                  {f.key}: {f.message}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      <Modal
        opened={plan !== null}
        onClose={() => setPlan(null)}
        closeButtonProps={{ 'aria-label': 'Cancel' }}
        title="Review the changes"
      >
        {plan && (
          <Stack>
            {plan.steps.length === 0 ? (
              <Text>Nothing to change: every selected flag is already so.</Text>
            ) : (
              <List size="sm" spacing={2}>
                {plan.steps.map((s) => (
                  <List.Item key={s.feature.id}>
                    <code>{s.feature.key}</code>: {s.summary}
                  </List.Item>
                ))}
              </List>
            )}
            {plan.unchanged.length > 0 && (
              <Text size="sm">Unchanged: {plan.unchanged.map((f) => f.key).join(', ')}.</Text>
            )}
            <Group justify="end">
              <Button variant="default" onClick={() => setPlan(null)}>
                Cancel
              </Button>
              <Button
                disabled={plan.steps.length === 0}
                loading={apply.isPending}
                onClick={() => apply.mutate(plan.steps)}
              >
                Apply {plan.steps.length} changes
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function toAction(choice: string | null, tag: string, environments: Environment[]): BulkAction | undefined {
  if (!choice) return undefined;
  if (choice === 'add-tag' || choice === 'remove-tag') return tag ? { kind: choice, tag } : undefined;
  if (choice === 'archive' || choice === 'unarchive') return { kind: choice };
  const [direction, environmentId] = choice.split(':');
  const environment = environments.find((e) => e.id === environmentId);
  if (!environment) return undefined;
  return {
    kind: 'toggle',
    environmentId: environment.id,
    environmentName: environment.name,
    enabled: direction === 'on',
  };
}

function send(step: BulkStep): Promise<unknown> {
  if (step.target === 'feature')
    return unwrap(
      api.PATCH('/api/admin/v1/features/{id}', {
        params: { path: { id: step.feature.id } },
        body: step.patch,
      }),
    );
  return unwrap(
    api.PATCH('/api/admin/v1/environments/{environmentId}/feature-states/{featureId}', {
      params: { path: { environmentId: step.environmentId, featureId: step.feature.id } },
      body: step.patch,
    }),
  );
}
