import {
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { MutationError } from '../../../components/query-state.js';
import type { Experiment, NewExperiment } from '../../../lib/api-types.js';
import { useFeatureState, useMetrics, useProjectFeatures } from '../api/experiments.js';
import { controlChoices } from '../model/results.js';

type Role = 'primary' | 'secondary' | 'guardrail';
const ROLES: { role: Role; label: string; help: string }[] = [
  { role: 'primary', label: 'Primary metrics', help: 'What the experiment is for; needed to start.' },
  { role: 'secondary', label: 'Secondary metrics', help: 'Worth watching, not deciding.' },
  { role: 'guardrail', label: 'Guardrail metrics', help: 'Must not get worse.' },
];

/**
 * An experiment's setup: the flag and its control, metrics by role, and the statistics. New
 * experiments pick the flag; a draft's flag is fixed (the server refuses to move it).
 */
export function ExperimentForm(props: {
  projectId: string;
  environmentId: string;
  initial?: Experiment;
  submitLabel: string;
  pending: boolean;
  error: Error | null;
  onSubmit: (body: NewExperiment) => void;
}) {
  const { initial } = props;
  const features = useProjectFeatures(props.projectId);
  const metrics = useMetrics(props.projectId);
  const [key, setKey] = useState(initial?.key ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [hypothesis, setHypothesis] = useState(initial?.hypothesis ?? '');
  const [feature, setFeature] = useState<string | null>(initial?.feature_id ?? null);
  const [control, setControl] = useState<string | null>(initial?.control_variant ?? null);
  const [roles, setRoles] = useState<Record<Role, string[]>>(() => {
    const byRole: Record<Role, string[]> = { primary: [], secondary: [], guardrail: [] };
    for (const m of initial?.metrics ?? []) byRole[m.role].push(m.metric_key);
    return byRole;
  });
  const [method, setMethod] = useState<NewExperiment['method']>(initial?.method ?? 'frequentist');
  const [alpha, setAlpha] = useState<number | string>(initial?.alpha ?? 0.05);
  const [correction, setCorrection] = useState<NewExperiment['correction']>(initial?.correction ?? 'holm');
  const [cuped, setCuped] = useState(initial?.cuped ?? false);
  const [cupedDays, setCupedDays] = useState<number | string>(initial?.cuped_window_days ?? 14);
  const state = useFeatureState(props.environmentId, feature);
  const choices = state.data ? controlChoices(state.data.variants) : [];
  const alphaNumber = Number(alpha);
  const alphaProblem =
    !Number.isFinite(alphaNumber) || alphaNumber <= 0 || alphaNumber > 0.5 ? 'Between 0 and 0.5.' : undefined;
  const taken = new Set(Object.values(roles).flat());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!feature || !control || alphaProblem) return;
    props.onSubmit({
      key: key.trim(),
      name: name.trim(),
      hypothesis,
      feature,
      control_variant: control,
      metrics: ROLES.flatMap(({ role }) => roles[role].map((metric) => ({ metric, role }))),
      method,
      alpha: alphaNumber,
      correction,
      cuped,
      cuped_window_days: Number(cupedDays),
    });
  };

  return (
    <form onSubmit={submit}>
      <Stack gap="sm" maw={720}>
        <Group grow align="start">
          <TextInput
            label="Key"
            description="Fixed once created"
            required
            disabled={initial !== undefined}
            maxLength={100}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
          />
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
        </Group>
        <Textarea
          label="Hypothesis"
          autosize
          minRows={2}
          maxLength={4000}
          value={hypothesis}
          onChange={(e) => setHypothesis(e.currentTarget.value)}
        />
        <Group grow align="start">
          <Select
            label="Flag"
            description="Its variants here are the arms"
            required
            searchable
            disabled={initial !== undefined}
            data={(features.data ?? []).map((f) => ({ value: f.id, label: f.key }))}
            value={feature}
            onChange={(value) => {
              setFeature(value);
              setControl(null);
            }}
          />
          <Select
            label="Control variant"
            required
            data={choices}
            value={control}
            onChange={setControl}
            disabled={!feature}
            error={
              feature && state.data && choices.length === 0
                ? 'This flag has no variants in this environment: add some on the flag first.'
                : undefined
            }
          />
        </Group>
        {ROLES.map(({ role, label, help }) => (
          <MultiSelect
            key={role}
            label={label}
            description={help}
            searchable
            data={(metrics.data ?? []).map((m) => ({
              value: m.key,
              label: `${m.name} (${m.kind})`,
              disabled: taken.has(m.key) && !roles[role].includes(m.key),
            }))}
            value={roles[role]}
            onChange={(keys) => setRoles((current) => ({ ...current, [role]: keys }))}
          />
        ))}
        <Stack gap={2}>
          <Text size="sm" fw={500} id="method-label">
            Method
          </Text>
          <SegmentedControl
            aria-labelledby="method-label"
            value={method}
            onChange={(value) => setMethod(value as NewExperiment['method'])}
            data={[
              { value: 'frequentist', label: 'Frequentist (fixed horizon)' },
              { value: 'sequential', label: 'Sequential (peek any time)' },
              { value: 'bayesian', label: 'Bayesian' },
            ]}
          />
        </Stack>
        <Group align="start">
          <NumberInput
            label="Alpha"
            description="False-positive rate accepted"
            min={0.001}
            max={0.5}
            step={0.01}
            decimalScale={4}
            value={alpha}
            error={alphaProblem}
            onChange={setAlpha}
            w={180}
          />
          <Select
            label="Multiple-comparison correction"
            allowDeselect={false}
            data={[
              { value: 'holm', label: 'Holm' },
              { value: 'benjamini-hochberg', label: 'Benjamini–Hochberg' },
            ]}
            value={correction}
            onChange={(value) => value && setCorrection(value as NewExperiment['correction'])}
            w={240}
          />
        </Group>
        <Group align="end">
          <Checkbox
            label="CUPED: reduce variance with each unit's pre-exposure data"
            checked={cuped}
            onChange={(e) => setCuped(e.currentTarget.checked)}
          />
          <NumberInput
            label="Pre-exposure days"
            min={1}
            max={90}
            disabled={!cuped}
            value={cupedDays}
            onChange={setCupedDays}
            w={160}
          />
        </Group>
        <MutationError error={props.error} />
        <Group>
          <Button type="submit" loading={props.pending} disabled={!feature || !control || !!alphaProblem}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
