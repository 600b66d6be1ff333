import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { MutationError, QueryState } from '../../../components/query-state.js';
import type { Experiment, ExperimentResults } from '../../../lib/api-types.js';
import { useExperimentResults, useRefreshResults } from '../api/experiments.js';
import { headline, liftBars, percent, seriesRows, srmWarning } from '../model/results.js';

type MetricResult = ExperimentResults['metrics'][number];
const VERDICT_COLOURS = { better: 'green', worse: 'red', inconclusive: 'gray' } as const;

/** Results: assignment and SRM first (they decide whether to trust the rest), then each metric. */
export function ResultsView({
  environmentId,
  experiment,
}: {
  environmentId: string;
  experiment: Experiment;
}) {
  const results = useExperimentResults(environmentId, experiment.key, true);
  const refresh = useRefreshResults(environmentId, experiment.key);
  const r = results.data;
  return (
    <Stack component="section" aria-labelledby="results-title">
      <Group justify="space-between">
        <Title order={2} size="h3" id="results-title">
          Results
        </Title>
        <Button variant="default" size="xs" loading={refresh.isPending} onClick={() => refresh.mutate()}>
          Recompute now
        </Button>
      </Group>
      <MutationError error={refresh.error} />
      <QueryState what="results" isPending={results.isPending} error={results.error}>
        {r && (
          <Stack>
            <Text size="sm" c="dimmed">
              Computed {new Date(r.computed_at).toLocaleString()}
              {r.window
                ? `, exposures from ${new Date(r.window.start).toLocaleString()} to ${new Date(r.window.end).toLocaleString()}`
                : ''}
              .
            </Text>
            {srmWarning(r) && (
              <Alert color="red" role="alert" title="Sample ratio mismatch">
                {srmWarning(r)}
              </Alert>
            )}
            <Group gap="xl">
              {Object.entries(r.assignment.units).map(([variant, units]) => (
                <Stack key={variant} gap={0}>
                  <Text size="xs" c="dimmed">
                    {variant}
                    {variant === r.experiment.control_variant ? ' (control)' : ''}
                  </Text>
                  <Text fw={600}>{units} units</Text>
                </Stack>
              ))}
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  Excluded (saw more than one variant)
                </Text>
                <Text fw={600}>{r.assignment.excluded_units} units</Text>
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  SRM check p-value
                </Text>
                <Text fw={600}>{r.srm.p_value === null ? '—' : r.srm.p_value.toFixed(3)}</Text>
              </Stack>
            </Group>
            {r.metrics.length === 0 && <Text>No metric yet: add metrics to the setup.</Text>}
            {r.metrics.map((metric) => (
              <MetricCard
                key={metric.metric_key}
                metric={metric}
                method={r.experiment.method}
                control={r.experiment.control_variant}
                series={r.series.find((s) => s.metric_key === metric.metric_key)}
              />
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function MetricCard(props: {
  metric: MetricResult;
  method: string;
  control: string;
  series: ExperimentResults['series'][number] | undefined;
}) {
  const { metric } = props;
  const bars = liftBars(metric);
  const id = `metric-${metric.metric_key}`;
  return (
    <Card withBorder component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Group>
          <Title order={3} size="h4" id={id}>
            {metric.name}
          </Title>
          <Badge variant="outline">{metric.role}</Badge>
          <Text size="sm" c="dimmed">
            {metric.kind}, {metric.direction} is better
          </Text>
        </Group>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Variant</Table.Th>
              <Table.Th>Units</Table.Th>
              <Table.Th>Mean</Table.Th>
              <Table.Th>Lift</Table.Th>
              <Table.Th>Interval</Table.Th>
              <Table.Th>{props.method === 'bayesian' ? 'Chance to beat control' : 'p-value'}</Table.Th>
              <Table.Th>Verdict</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {metric.variants.map((v) => {
              const c = metric.comparisons.find((x) => x.variant === v.variant);
              return (
                <Table.Tr key={v.variant}>
                  <Table.Td>
                    {v.variant}
                    {v.variant === props.control ? ' (control)' : ''}
                  </Table.Td>
                  <Table.Td>{v.units}</Table.Td>
                  <Table.Td>{v.mean.toPrecision(4)}</Table.Td>
                  <Table.Td>{c ? percent(c.expected) : '—'}</Table.Td>
                  <Table.Td>{c ? `${percent(c.ci[0])} … ${percent(c.ci[1])}` : '—'}</Table.Td>
                  <Table.Td>{c ? headline(props.method, c).value : '—'}</Table.Td>
                  <Table.Td>
                    {c &&
                      (c.error ? (
                        <Text size="sm">{c.error}</Text>
                      ) : (
                        <Badge variant="dot" color={VERDICT_COLOURS[c.verdict]}>
                          {c.verdict}
                        </Badge>
                      ))}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {bars.length > 0 && (
          <figure style={{ margin: 0 }}>
            <figcaption>
              <Text size="sm">Lift against {props.control} with its interval (%)</Text>
            </figcaption>
            <div role="img" aria-label={`Lift of ${metric.name} per variant, as in the table above`}>
              <ResponsiveContainer width="100%" height={60 + bars.length * 40}>
                <ComposedChart layout="vertical" data={bars} margin={{ left: 24, right: 24 }}>
                  <CartesianGrid horizontal={false} />
                  <XAxis type="number" unit="%" domain={['auto', 'auto']} />
                  <YAxis type="category" dataKey="variant" width={120} />
                  <ReferenceLine x={0} stroke="#495057" />
                  <Tooltip />
                  <Bar
                    dataKey="range"
                    name="interval"
                    fill="#74c0fc"
                    barSize={14}
                    isAnimationActive={false}
                  />
                  <Line dataKey="expected" name="lift" stroke="#1864ab" isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          </figure>
        )}
        {props.series &&
          metric.comparisons.map((c) => (
            <figure key={c.variant} style={{ margin: 0 }}>
              <figcaption>
                <Text size="sm">Cumulative lift of {c.variant} by day, with its interval (%)</Text>
              </figcaption>
              <div role="img" aria-label={`Daily cumulative lift of ${c.variant} on ${metric.name}`}>
                <ResponsiveContainer width="100%" height={220}>
                  <ComposedChart
                    data={seriesRows(props.series as NonNullable<typeof props.series>, c.variant)}
                  >
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="day" />
                    <YAxis unit="%" />
                    <ReferenceLine y={0} stroke="#495057" />
                    <Tooltip />
                    <Area
                      dataKey="band"
                      name="interval"
                      fill="#a5d8ff"
                      stroke="none"
                      isAnimationActive={false}
                    />
                    <Line dataKey="expected" name="lift" stroke="#1864ab" isAnimationActive={false} />
                  </ComposedChart>
                </ResponsiveContainer>
              </div>
            </figure>
          ))}
      </Stack>
    </Card>
  );
}
