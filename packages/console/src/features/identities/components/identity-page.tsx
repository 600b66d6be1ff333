import { Badge, Button, Code, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { environmentScope, useCan } from '../../../lib/access.js';
import type { Environment } from '../../../lib/api-types.js';
import { useIdentity, useIdentityEvaluation, useIdentityMutations } from '../api/identities.js';
import { explain, servedValue } from '../model/reasons.js';
import { OverrideEditor } from './override-editor.js';
import { TraitsEditor } from './traits-editor.js';

/** One identity: its traits, and every flag it gets here with the reason, overridable in place. */
export function IdentityPage(props: {
  environment: Environment;
  identityId: string;
  flagHref: (featureId: string) => string;
  segmentHref: (segmentId: string) => string;
  onDeleted: () => void;
}) {
  const { environment, identityId } = props;
  const identity = useIdentity(environment.id, identityId);
  const evaluation = useIdentityEvaluation(environment.id, identityId);
  const mutations = useIdentityMutations(environment.id, identityId);
  const { deleteOverride, remove } = mutations;
  const mayDelete = useCan('environment.edit', environmentScope(environment));

  return (
    <QueryState
      what="the identity"
      isPending={identity.isPending || evaluation.isPending}
      error={identity.error ?? evaluation.error}
    >
      {identity.data && evaluation.data && (
        <Stack gap="lg">
          <Group justify="space-between">
            <Title order={1} size="h2">
              Identity {identity.data.identifier}
            </Title>
            <ConfirmButton
              decision={mayDelete}
              color="red"
              variant="light"
              title={`Delete identity ${identity.data.identifier}?`}
              message={`Its traits and overrides in ${environment.name} go with it; the next time an SDK sends "${identity.data.identifier}", it starts afresh.`}
              confirmLabel="Delete identity"
              pending={remove.isPending}
              error={remove.error}
              onOpen={remove.reset}
              onConfirm={() => remove.mutate(undefined, { onSuccess: props.onDeleted })}
            >
              Delete identity
            </ConfirmButton>
          </Group>
          <TraitsEditor traits={identity.data.traits} patch={mutations.patchTraits} />
          <Stack component="section" aria-labelledby="segments-title" gap={4}>
            <Title order={2} size="h3" id="segments-title">
              Segments
            </Title>
            <Group gap={4}>
              {evaluation.data.segments.length === 0 ? (
                <Text size="sm">In no segment.</Text>
              ) : (
                evaluation.data.segments.map((s) => (
                  <Badge key={s.id} variant="light" component={Link} to={props.segmentHref(s.id)}>
                    {s.name}
                  </Badge>
                ))
              )}
            </Group>
          </Stack>
          <Stack component="section" aria-labelledby="flags-title">
            <Title order={2} size="h3" id="flags-title">
              Flags for {identity.data.identifier} in {environment.name}
            </Title>
            <Text size="sm" c="dimmed">
              Evaluated by the server's engine on the environment as it is now, server-only flags included.
            </Text>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Flag</Table.Th>
                  <Table.Th>Gets</Table.Th>
                  <Table.Th>Why</Table.Th>
                  <Table.Th>Override</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {evaluation.data.flags.map((flag) => (
                  <Table.Tr key={flag.feature_id}>
                    <Table.Td>
                      <Group gap={4}>
                        <Link to={props.flagHref(flag.feature_id)}>{flag.feature_key}</Link>
                        {flag.server_key_only && (
                          <Badge size="xs" variant="light" color="grape">
                            server only
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Code>{servedValue(flag)}</Code>
                      {flag.variant && <Text size="xs">variant {flag.variant}</Text>}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={0}>
                        <Text size="sm">{explain(flag)}</Text>
                        <Tooltip label="The engine's reason, as SDKs with a server key see it">
                          <Code fz="xs">{flag.reason}</Code>
                        </Tooltip>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {flag.decided_by === 'identity_override' ? (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Remove override of ${flag.feature_key}`}
                          loading={deleteOverride.isPending && deleteOverride.variables === flag.feature_id}
                          onClick={() => deleteOverride.mutate(flag.feature_id)}
                        >
                          Remove override
                        </Button>
                      ) : (
                        <OverrideEditor flag={flag} put={mutations.putOverride} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <MutationError error={deleteOverride.error ?? mutations.putOverride.error} />
          </Stack>
        </Stack>
      )}
    </QueryState>
  );
}
