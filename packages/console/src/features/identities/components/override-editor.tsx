import { Button, Group, Popover, Stack, Switch, Text, TextInput } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { EvaluatedFlag, FeatureType } from '../../../lib/api-types.js';
import { parseValueText, valueToText } from '../../../lib/values.js';

type Put = UseMutationResult<unknown, Error, { featureId: string; enabled: boolean; value: unknown }>;

/**
 * Gives one identity its own state of a flag. Starts from what it gets now, so saving without
 * edits pins today's answer; the value is typed like the flag, checked before sending.
 */
export function OverrideEditor({ flag, put }: { flag: EvaluatedFlag; put: Put }) {
  const type = flag.type as FeatureType;
  const [opened, setOpened] = useState(false);
  const [enabled, setEnabled] = useState(flag.enabled);
  const [text, setText] = useState(valueToText(type, flag.value));
  const parsed = parseValueText(type, text);
  return (
    <Popover opened={opened} onChange={setOpened} trapFocus withArrow position="bottom-end">
      <Popover.Target>
        <Button size="xs" variant="light" onClick={() => setOpened((o) => !o)}>
          Override {flag.feature_key}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" w={260}>
          <Text size="sm" fw={500}>
            Only this identity, whatever segments say
          </Text>
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {type !== 'boolean' && (
            <TextInput
              label={`Value (${type})`}
              value={text}
              error={parsed.ok ? undefined : parsed.message}
              onChange={(e) => setText(e.currentTarget.value)}
            />
          )}
          <Group justify="end">
            <Button size="xs" variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button
              size="xs"
              disabled={!parsed.ok}
              loading={put.isPending}
              onClick={() =>
                parsed.ok &&
                put.mutate(
                  { featureId: flag.feature_id, enabled, value: parsed.value },
                  { onSuccess: () => setOpened(false) },
                )
              }
            >
              Save override
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
