import { Group, Stack, Text, Title } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { QueryState } from '../../../components/query-state.js';
import type { Environment, Feature } from '../../../lib/api-types.js';
import { useFlagUsage } from '../api/flags.js';
import { fillDays } from '../model/usage.js';

const DAYS = 30;

/** Evaluations SDKs reported for the flag here, per day over the last 30 days. */
export function FlagUsage({ feature, environment }: { feature: Feature; environment: Environment }) {
  const usage = useFlagUsage(environment.id, DAYS, feature.id);
  const item = usage.data?.items[0];
  const days = usage.data && item ? fillDays(usage.data.from, usage.data.to, item.daily) : [];
  return (
    <Stack component="section" aria-labelledby="usage-title" gap="xs">
      <Title order={2} size="h3" id="usage-title">
        Evaluations in {environment.name}
      </Title>
      <QueryState what="usage" isPending={usage.isPending} error={usage.error}>
        <Group gap="xl">
          <Text size="sm">
            {item?.total ?? 0} in the last {DAYS} days
          </Text>
          <Text size="sm">Last evaluated: {item?.last_evaluated ?? `not in ${DAYS} days`}</Text>
        </Group>
        <div role="img" aria-label={`Evaluations of ${feature.key} per day, ${item?.total ?? 0} in total`}>
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={days}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} minTickGap={16} />
              <YAxis allowDecimals={false} width={48} />
              <Tooltip />
              <Bar dataKey="count" name="evaluations" fill="#1971c2" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <Text size="xs" c="dimmed">
          As SDKs report flag analytics (Flagsmith SDKs with analytics on); other SDKs do not count here.
        </Text>
      </QueryState>
    </Stack>
  );
}
