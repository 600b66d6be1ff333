import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import type { Decision } from '../lib/access.js';
import { GuardedButton } from './guarded-button.js';
import { MutationError } from './query-state.js';

/**
 * A destructive action asked twice: the dialog says what will happen before it does, and a
 * refusal from the server (e.g. "the last token") is shown in the dialog, which stays open.
 */
export function ConfirmButton({
  decision,
  title,
  message,
  confirmLabel,
  onConfirm,
  pending,
  error,
  children,
  onOpen,
  ...props
}: ButtonProps & {
  decision: Decision;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  /** Runs the action; call `done` once it succeeded to close the dialog. */
  onConfirm: (done: () => void) => void;
  pending: boolean;
  error: Error | null;
  /** e.g. forget the error of an earlier attempt on another row. */
  onOpen?: () => void;
  'aria-label'?: string;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <GuardedButton
        decision={decision}
        onClick={() => {
          onOpen?.();
          open();
        }}
        {...props}
      >
        {children}
      </GuardedButton>
      <Modal opened={opened} onClose={close} title={title}>
        <Stack>
          <Text size="sm">{message}</Text>
          {opened && <MutationError error={error} />}
          <Group justify="end">
            {/* Focus starts on the harmless choice: Enter on an opened dialog destroys nothing. */}
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={pending} onClick={() => onConfirm(close)}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
