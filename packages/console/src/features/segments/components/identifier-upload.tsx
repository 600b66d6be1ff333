import { Alert, Button, Card, FileInput, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { SegmentRuleInput } from '../../../lib/api-types.js';
import { IDENTIFIER_PROPERTY, identifierRule, parseIdentifierList } from '../model/identifier-list.js';

/**
 * Puts a list of known users into the segment: pasted or read from a file, previewed, then
 * added to the rules being edited as `$.identity.identifier IN [...]`; saving the segment
 * sends it, as with every other rule edit.
 */
export function IdentifierUpload(props: { hasRules: boolean; onAdd: (rule: SegmentRuleInput) => void }) {
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string>();
  const list = parseIdentifierList(text);
  const count = list.identifiers.length;

  const read = async (file: File | null) => {
    setFileError(undefined);
    if (!file) return;
    try {
      setText(await file.text());
    } catch (error) {
      setFileError(`Could not read ${file.name}: ${(error as Error).message}`);
    }
  };

  return (
    <Card withBorder component="section" aria-labelledby="upload-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="upload-title">
          Add users by identifier
        </Title>
        <Text size="sm" c="dimmed">
          One identifier per line. Becomes a rule on <code>{IDENTIFIER_PROPERTY}</code> with the operator “is
          one of”.
        </Text>
        <Group align="start">
          <FileInput
            label="Read a list from a file"
            description="A .txt or .csv file, one identifier per line"
            accept=".txt,.csv,text/plain,text/csv"
            onChange={read}
            error={fileError}
            clearable
            w={260}
          />
          <Textarea
            label="Identifiers"
            autosize
            minRows={3}
            maxRows={8}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={320}
          />
        </Group>
        <Text size="sm" aria-live="polite">
          {count} identifiers{list.duplicates > 0 ? ` (${list.duplicates} repeated lines counted once)` : ''}.
        </Text>
        {list.problems.length > 0 && (
          <Alert color="red" role="alert">
            {list.problems.join(' ')}
          </Alert>
        )}
        {props.hasRules && count > 0 && (
          <Text size="sm" c="orange.9">
            The segment has other rules: a user must match every top-level rule, this list included.
          </Text>
        )}
        <Group>
          <Button
            variant="light"
            disabled={count === 0 || list.problems.length > 0}
            onClick={() => {
              props.onAdd(identifierRule(list.identifiers));
              setText('');
            }}
          >
            Add {count} identifiers as a rule
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
