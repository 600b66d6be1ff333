import {
  ActionIcon,
  Button,
  Card,
  Group,
  NumberInput,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError } from '../../../components/query-state.js';
import { useChangeMode } from '../../../lib/access.js';
import type { Environment, Feature, FeatureState } from '../../../lib/api-types.js';
import { parseValueText, valueToText } from '../../../lib/values.js';
import { usePatchState } from '../api/flags.js';
import { featureStateChange, needsChangeRequest, patchOf, stateChanges } from '../model/state-change.js';
import { checkVariants, evenWeights, type VariantDraft, variantRowId } from '../model/variants.js';
import { ChangeDialog, FieldChanges } from './change-dialog.js';
import { ProposedNotice } from './proposed-notice.js';

/**
 * The flag's state in one environment: on/off, typed value, rollout percentage and variants,
 * saved together. Nothing is sent while the editor holds a problem, and the problem is named.
 * What the signed-in person may do there decides how: saved straight in, proposed as a change
 * request (protected environment or 'propose' access), or shown read-only with the role needed.
 */
export function StateEditor(props: {
  projectId: string;
  feature: Feature;
  environment: Environment;
  state: FeatureState | undefined;
  /** Where a created change request is shown. */
  changeRequestHref?: (id: string) => string;
}) {
  const { feature, environment, state } = props;
  const patch = usePatchState(environment.id);
  const access = useChangeMode(props.projectId, environment);
  const [dialog, setDialog] = useState<'propose' | 'schedule' | undefined>();
  const [done, setDone] = useState<{ kind: 'propose' | 'schedule'; id: string; title: string }>();
  // Proposing edits the switch like any other field: nothing changes until the request commits.
  const [enabledDraft, setEnabledDraft] = useState(false);
  const [valueText, setValueText] = useState('');
  const [rollout, setRollout] = useState<number | string>('');
  const [variants, setVariants] = useState<VariantDraft[]>([]);

  // A saved or refetched state replaces the edits: the server's answer is what is stored.
  useEffect(() => {
    setEnabledDraft(state?.enabled ?? false);
    setValueText(valueToText(feature.type, state?.value ?? null));
    setRollout(state?.rollout_percentage ?? '');
    setVariants(
      (state?.variants ?? []).map((v) => ({
        id: variantRowId(),
        key: v.key,
        valueText: valueToText(feature.type, v.value),
        weight: v.weight,
      })),
    );
  }, [feature.type, state]);

  const value = parseValueText(feature.type, valueText);
  const check = checkVariants(feature.type, variants);
  const rolloutNumber = rollout === '' ? null : Number(rollout);
  const rolloutProblem =
    rolloutNumber !== null && (!Number.isFinite(rolloutNumber) || rolloutNumber < 0 || rolloutNumber > 100)
      ? 'A percentage from 0 to 100, or empty for everyone.'
      : undefined;
  const canSave = value.ok && check.variants !== undefined && !rolloutProblem;
  const id = `state-${environment.id}`;
  const proposing = access.mode === 'propose' || (access.mode === 'edit' && needsChangeRequest(patch.error));
  const changes =
    value.ok && check.variants && !rolloutProblem
      ? stateChanges(state, {
          enabled: access.mode === 'propose' ? enabledDraft : (state?.enabled ?? false),
          value: value.value,
          variants: check.variants,
          rollout_percentage: rolloutNumber,
        })
      : [];

  const save = () => {
    if (!value.ok || !check.variants || rolloutProblem) return;
    patch.mutate({
      featureId: feature.id,
      patch: { value: value.value, variants: check.variants, rollout_percentage: rolloutNumber },
    });
  };
  const closeDialog = () => setDialog(undefined);

  return (
    <Card withBorder component="section" aria-labelledby={`${id}-title`} miw={300} style={{ flex: 1 }}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id={`${id}-title`}>
            {environment.name}
          </Title>
          <Switch
            label={(access.mode === 'propose' ? enabledDraft : state?.enabled) ? 'On' : 'Off'}
            aria-label={`${feature.key} enabled in ${environment.name}`}
            disabled={access.mode === 'view'}
            checked={access.mode === 'propose' ? enabledDraft : (state?.enabled ?? false)}
            onChange={(e) =>
              access.mode === 'propose'
                ? setEnabledDraft(e.currentTarget.checked)
                : patch.mutate({ featureId: feature.id, patch: { enabled: e.currentTarget.checked } })
            }
          />
        </Group>
        {access.mode === 'propose' && (
          <Text size="xs" c="dimmed">
            {access.why}
          </Text>
        )}
        {access.mode === 'view' && (
          <Text size="xs" c="dimmed">
            Read only. {access.reason}
          </Text>
        )}
        <fieldset disabled={access.mode === 'view'} className="plain-fieldset">
          <Stack gap="sm">
            {feature.type !== 'boolean' &&
              (feature.type === 'json' ? (
                <Textarea
                  label="Value (JSON)"
                  autosize
                  minRows={3}
                  styles={{ input: { fontFamily: 'monospace' } }}
                  value={valueText}
                  error={value.ok ? undefined : value.message}
                  onChange={(e) => setValueText(e.currentTarget.value)}
                />
              ) : (
                <TextInput
                  label={`Value (${feature.type})`}
                  inputMode={feature.type === 'number' ? 'decimal' : undefined}
                  value={valueText}
                  error={value.ok ? undefined : value.message}
                  onChange={(e) => setValueText(e.currentTarget.value)}
                />
              ))}
            <NumberInput
              label="Rollout percentage"
              description="Share of identities that get this state enabled; empty for everyone."
              min={0}
              max={100}
              decimalScale={4}
              suffix="%"
              value={rollout}
              error={rolloutProblem}
              onChange={setRollout}
            />
            {feature.type !== 'boolean' && (
              <VariantsEditor type={feature.type} drafts={variants} onChange={setVariants} check={check} />
            )}
          </Stack>
        </fieldset>
        <MutationError error={patch.error} />
        {done && (
          <ProposedNotice
            kind={done.kind}
            title={done.title}
            href={done.kind === 'propose' ? props.changeRequestHref?.(done.id) : undefined}
            onClose={() => setDone(undefined)}
          />
        )}
        <Group justify="end">
          {access.mode === 'view' ? (
            <GuardedButton decision={{ allowed: false, reason: access.reason, propose: false }}>
              Save {environment.name}
            </GuardedButton>
          ) : proposing ? (
            <Button onClick={() => setDialog('propose')} disabled={!canSave || changes.length === 0}>
              Propose change to {environment.name}
            </Button>
          ) : (
            <>
              <Button
                variant="default"
                onClick={() => setDialog('schedule')}
                disabled={!canSave || changes.length === 0}
              >
                Apply {environment.name} at…
              </Button>
              <Button onClick={save} disabled={!canSave} loading={patch.isPending}>
                Save {environment.name}
              </Button>
            </>
          )}
        </Group>
      </Stack>
      {dialog && (
        <ChangeDialog
          kind={dialog}
          opened
          onClose={closeDialog}
          featureKey={feature.key}
          environment={environment}
          changes={changes.length === 0 ? [] : [featureStateChange(feature.key, patchOf(changes))]}
          preview={<FieldChanges changes={changes} caption={`${feature.key} in ${environment.name}`} />}
          why={access.mode === 'propose' ? access.why : undefined}
          onDone={(result) => {
            closeDialog();
            patch.reset();
            setDone(result);
          }}
        />
      )}
    </Card>
  );
}

function VariantsEditor(props: {
  type: Feature['type'];
  drafts: VariantDraft[];
  onChange: (drafts: VariantDraft[]) => void;
  check: ReturnType<typeof checkVariants>;
}) {
  const { drafts, onChange, check } = props;
  const setRow = (index: number, change: Partial<VariantDraft>) =>
    onChange(drafts.map((d, i) => (i === index ? { ...d, ...change } : d)));
  const add = () => {
    const weights = evenWeights(drafts.length + 1);
    onChange([
      ...drafts.map((d, i) => ({ ...d, weight: weights[i] })),
      {
        id: variantRowId(),
        key: `variant_${drafts.length + 1}`,
        valueText: '',
        weight: weights[drafts.length],
      },
    ]);
  };
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Variants (control keeps {check.controlWeight}%)
      </Text>
      {drafts.map((draft, index) => (
        <Stack key={draft.id} gap={2}>
          <Group gap="xs" align="end" wrap="nowrap">
            <TextInput
              size="xs"
              label="Key"
              value={draft.key}
              onChange={(e) => setRow(index, { key: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              label="Value"
              value={draft.valueText}
              onChange={(e) => setRow(index, { valueText: e.currentTarget.value })}
            />
            <NumberInput
              size="xs"
              label="Weight"
              w={90}
              min={0}
              max={100}
              suffix="%"
              value={draft.weight}
              onChange={(weight) => setRow(index, { weight })}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove variant ${draft.key}`}
              onClick={() => onChange(drafts.filter((_, i) => i !== index))}
            >
              ✕
            </ActionIcon>
          </Group>
          {check.problems
            .filter((p) => p.row === index)
            .map((p) => (
              <Text key={p.message} size="xs" c="red">
                {p.message}
              </Text>
            ))}
        </Stack>
      ))}
      {check.problems
        .filter((p) => p.row === -1)
        .map((p) => (
          <Text key={p.message} size="xs" c="red" role="alert">
            {p.message}
          </Text>
        ))}
      <Group>
        <Button size="xs" variant="light" onClick={add}>
          Add variant
        </Button>
      </Group>
    </Stack>
  );
}
