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
import { MutationError } from '../../../components/query-state.js';
import type { Environment, Feature, FeatureState } from '../../../lib/api-types.js';
import { parseValueText, valueToText } from '../../../lib/values.js';
import { usePatchState } from '../api/flags.js';
import { checkVariants, evenWeights, type VariantDraft, variantRowId } from '../model/variants.js';

/**
 * The flag's state in one environment: on/off, typed value, rollout percentage and variants,
 * saved together. Nothing is sent while the editor holds a problem, and the problem is named.
 */
export function StateEditor(props: {
  feature: Feature;
  environment: Environment;
  state: FeatureState | undefined;
}) {
  const { feature, environment, state } = props;
  const patch = usePatchState(environment.id);
  const [valueText, setValueText] = useState('');
  const [rollout, setRollout] = useState<number | string>('');
  const [variants, setVariants] = useState<VariantDraft[]>([]);

  // A saved or refetched state replaces the edits: the server's answer is what is stored.
  useEffect(() => {
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

  const save = () => {
    if (!value.ok || !check.variants || rolloutProblem) return;
    patch.mutate({
      featureId: feature.id,
      patch: { value: value.value, variants: check.variants, rollout_percentage: rolloutNumber },
    });
  };

  return (
    <Card withBorder component="section" aria-labelledby={`${id}-title`} miw={300} style={{ flex: 1 }}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id={`${id}-title`}>
            {environment.name}
          </Title>
          <Switch
            label={state?.enabled ? 'On' : 'Off'}
            aria-label={`${feature.key} enabled in ${environment.name}`}
            checked={state?.enabled ?? false}
            onChange={(e) =>
              patch.mutate({ featureId: feature.id, patch: { enabled: e.currentTarget.checked } })
            }
          />
        </Group>
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
        <MutationError error={patch.error} />
        <Group justify="end">
          <Button onClick={save} disabled={!canSave} loading={patch.isPending}>
            Save {environment.name}
          </Button>
        </Group>
      </Stack>
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
