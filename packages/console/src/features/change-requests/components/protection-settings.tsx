import { Alert, Button, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { GuardedButton } from '../../../components/guarded-button.js';
import { MutationError } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import type { Environment } from '../../../lib/api-types.js';
import { useProtectEnvironment } from '../api/change-requests.js';

/** As the server's MAX_REQUIRED_APPROVALS. */
const MAX_APPROVALS = 20;

/**
 * Protecting the environment: N approvals by others before a flag change applies. Project
 * admins change it; everyone else sees it.
 */
export function ProtectionSettings(props: { projectId: string; environment: Environment }) {
  const { environment } = props;
  const decision = useCan('environment.manage', {
    project: { id: props.projectId },
    environment: { id: environment.id, key: environment.key },
  });
  const protect = useProtectEnvironment(props.projectId, environment.id);
  const [approvals, setApprovals] = useState<number | string>(environment.requires_approval ?? 1);
  useEffect(() => setApprovals(environment.requires_approval ?? 1), [environment.requires_approval]);
  const n = Number(approvals);
  const problem =
    !Number.isInteger(n) || n < 1 || n > MAX_APPROVALS
      ? `A whole number from 1 to ${MAX_APPROVALS}.`
      : undefined;
  const current = environment.requires_approval;

  return (
    <Stack component="section" aria-labelledby="protection-title" gap="xs">
      <Title order={2} size="h3" id="protection-title">
        Protection
      </Title>
      <Text>
        {current === null
          ? `${environment.name} is not protected: people who may edit it change flags directly.`
          : `${environment.name} is protected: flag changes need ${current} approval${current === 1 ? '' : 's'} by someone other than their author.`}
      </Text>
      <Group align="end">
        <NumberInput
          label="Approvals required"
          min={1}
          max={MAX_APPROVALS}
          allowDecimal={false}
          value={approvals}
          onChange={setApprovals}
          error={problem}
          disabled={!decision.allowed}
          w={180}
        />
        <GuardedButton
          decision={decision}
          disabled={!!problem || n === current}
          loading={protect.isPending}
          onClick={() => protect.mutate(n)}
        >
          {current === null ? 'Protect environment' : 'Change approvals'}
        </GuardedButton>
        {current !== null && decision.allowed && (
          <Button variant="default" loading={protect.isPending} onClick={() => protect.mutate(null)}>
            Remove protection
          </Button>
        )}
      </Group>
      {protect.isSuccess && (
        <Alert color="green" role="status">
          Saved.
        </Alert>
      )}
      <MutationError error={protect.error} />
    </Stack>
  );
}
