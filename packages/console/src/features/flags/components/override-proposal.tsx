import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { JsonDiffTable } from '../../../components/json-diff-table.js';
import type { Environment, Feature } from '../../../lib/api-types.js';
import type { OverrideChange } from '../model/override-draft.js';
import { ChangeDialog } from './change-dialog.js';
import { ProposedNotice } from './proposed-notice.js';

/** Each override a proposal touches, before and after, as the reviewers will see it. */
function OverrideDiffs(props: { changes: readonly OverrideChange[]; segmentName: (id: string) => string }) {
  return (
    <Stack gap="xs">
      {props.changes.map((c) => {
        const what = `Override for segment ${props.segmentName(c.segment_id)}`;
        return (
          <Paper key={c.segment_id} withBorder p="xs">
            <Text fw={500} size="sm">
              {what}: {c.before === null ? 'added' : c.after === null ? 'removed' : 'changed'}
            </Text>
            <JsonDiffTable before={c.before} after={c.after} caption={`${what}: now and proposed`} />
          </Paper>
        );
      })}
    </Stack>
  );
}

/**
 * The gathered override edits of a protected environment: how many, a button to see their
 * diff and propose them as one change request, and a link to the request once made.
 */
export function OverrideProposal(props: {
  feature: Feature;
  environment: Environment;
  changes: readonly OverrideChange[];
  /** Edits were gathered (they may cancel out): they can be discarded. */
  drafted: boolean;
  /** The stored overrides changed since the edits began. */
  serverMoved: boolean;
  segmentName: (id: string) => string;
  why?: string;
  changeRequestHref?: (id: string) => string;
  onDiscard: () => void;
}) {
  const { feature, environment, changes } = props;
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<{ id: string; title: string }>();
  const count = changes.length;
  return (
    <Stack gap="xs">
      <Group>
        <Text size="sm" role="status">
          {count === 0
            ? 'No override edits to propose.'
            : `${count} override change${count === 1 ? '' : 's'} not proposed yet.`}
        </Text>
        <Button size="xs" disabled={count === 0} onClick={() => setOpen(true)}>
          Review and propose override changes
        </Button>
        <Button size="xs" variant="default" disabled={!props.drafted} onClick={props.onDiscard}>
          Discard override edits
        </Button>
      </Group>
      {props.serverMoved && (
        <Alert color="yellow" title="These overrides changed since you began editing">
          Someone changed them meanwhile. Your proposal holds only your own edits, shown against what you
          began from; discard your edits to start again from what is there now.
        </Alert>
      )}
      {done && (
        <ProposedNotice
          kind="propose"
          title={done.title}
          href={props.changeRequestHref?.(done.id)}
          onClose={() => setDone(undefined)}
        />
      )}
      {open && (
        <ChangeDialog
          kind="propose"
          opened
          onClose={() => setOpen(false)}
          featureKey={feature.key}
          environment={environment}
          changes={changes.map((c) => c.change)}
          preview={<OverrideDiffs changes={changes} segmentName={props.segmentName} />}
          why={props.why}
          onDone={(result) => {
            setOpen(false);
            props.onDiscard();
            setDone(result);
          }}
        />
      )}
    </Stack>
  );
}
