import { Alert, Button, Group, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { CopyField } from './copy-field.js';

/**
 * A secret the server shows only once (a token, a signing secret, an invitation link): what it
 * is, the value to copy, and the button that closes it for good.
 */
export function ShownOnce(props: {
  title: string;
  /** Names the value for the copy button: "Copy admin token". */
  label: string;
  value: string;
  onDone: () => void;
  children: ReactNode;
}) {
  return (
    <Stack>
      <Alert color="green" role="status" title={props.title}>
        {props.children}
      </Alert>
      <CopyField label={props.label} value={props.value} />
      <Group justify="end">
        <Button onClick={props.onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}
