import { Badge, Code, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { CopyField } from '../../../components/copy-field.js';
import { QueryState } from '../../../components/query-state.js';
import type { Environment } from '../../../lib/api-types.js';
import { useFeatures, useStatesByEnvironment } from '../api/flags.js';
import { snippets } from '../model/snippets.js';
import { FlagHistory } from './flag-history.js';
import { FlagSettings } from './flag-settings.js';
import { FlagUsage } from './flag-usage.js';
import { FlagUsages } from './flag-usages.js';
import { SegmentOverrides } from './segment-overrides.js';
import { StateEditor } from './state-editor.js';

/** One flag: its state in every environment side by side, overrides here, and how to read it. */
export function FlagPage(props: {
  projectId: string;
  featureId: string;
  environment: Environment;
  environments: Environment[];
  identityHref: (id: string) => string;
  experimentHref: (key: string) => string;
  onDeleted: () => void;
  /** Where a change request proposed from this page is shown. */
  changeRequestHref?: (environmentId: string, id: string) => string;
}) {
  const { projectId, environment, environments } = props;
  const features = useFeatures(projectId);
  const states = useStatesByEnvironment(environments.map((e) => e.id));
  const feature = features.data?.find((f) => f.id === props.featureId || f.key === props.featureId);

  return (
    <QueryState
      what="the flag"
      isPending={features.isPending || states.isPending}
      error={features.error ?? states.error}
    >
      {!feature ? (
        <Text role="alert">No flag {props.featureId} in this project.</Text>
      ) : (
        <Stack gap="lg">
          <Stack gap={4}>
            <Group>
              <Title order={1} size="h2">
                {feature.key}
              </Title>
              <Badge variant="light">{feature.type}</Badge>
              {feature.server_key_only && <Badge color="grape">server keys only</Badge>}
              {feature.archived && <Badge color="gray">archived</Badge>}
              {feature.tags.map((tag) => (
                <Badge key={tag} variant="outline">
                  {tag}
                </Badge>
              ))}
            </Group>
            {feature.description && <Text c="dimmed">{feature.description}</Text>}
            {feature.owner && <Text size="sm">Owner: {feature.owner}</Text>}
          </Stack>
          <Group align="stretch" wrap="wrap">
            {environments.map((e) => (
              <StateEditor
                key={e.id}
                projectId={projectId}
                changeRequestHref={
                  props.changeRequestHref ? (id) => props.changeRequestHref?.(e.id, id) ?? '' : undefined
                }
                feature={feature}
                environment={e}
                state={states.byEnvironment.get(e.id)?.get(feature.id)}
              />
            ))}
          </Group>
          <SegmentOverrides
            // A draft belongs to one flag in one environment: another flag starts a fresh one.
            key={`${environment.id}:${feature.id}`}
            projectId={projectId}
            feature={feature}
            environment={environment}
            changeRequestHref={
              props.changeRequestHref
                ? (id) => props.changeRequestHref?.(environment.id, id) ?? ''
                : undefined
            }
          />
          <FlagUsages
            feature={feature}
            environment={environment}
            identityHref={props.identityHref}
            experimentHref={props.experimentHref}
          />
          <FlagUsage feature={feature} environment={environment} />
          <FlagSettings projectId={projectId} feature={feature} onDeleted={props.onDeleted} />
          <FlagHistory
            feature={feature}
            environment={environment}
            environments={environments}
            states={environments.map((e) => states.byEnvironment.get(e.id)?.get(feature.id))}
          />
          <Stack component="section" aria-labelledby="snippets-title">
            <Title order={2} size="h3" id="snippets-title">
              Use it in code ({environment.name})
            </Title>
            <CopyField label="client key" value={environment.client_key} />
            <Tabs defaultValue="js">
              <Tabs.List>
                {snippets({
                  key: feature.key,
                  type: feature.type,
                  clientKey: environment.client_key,
                  origin: window.location.origin,
                }).map((s) => (
                  <Tabs.Tab key={s.id} value={s.id}>
                    {s.label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {snippets({
                key: feature.key,
                type: feature.type,
                clientKey: environment.client_key,
                origin: window.location.origin,
              }).map((s) => (
                <Tabs.Panel key={s.id} value={s.id} pt="xs">
                  <Code block>{s.code}</Code>
                </Tabs.Panel>
              ))}
            </Tabs>
          </Stack>
        </Stack>
      )}
    </QueryState>
  );
}
