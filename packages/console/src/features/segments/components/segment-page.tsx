import { Alert, Badge, Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { MutationError, QueryState } from '../../../components/query-state.js';
import { useCan } from '../../../lib/access.js';
import { useSegmentMutations, useSegments } from '../api/segments.js';
import { checkRules, fromApi, type RuleDraft, toApi } from '../model/rules.js';
import { parseTraits, trySegment } from '../model/try-it.js';
import { IdentifierUpload } from './identifier-upload.js';
import { RuleBuilder } from './rule-builder.js';

/**
 * One segment: its rules in the builder, saved together, and a panel to try a sample user.
 * Without `segmentId` it is a draft named `draftName`, created on the first save.
 */
export function SegmentPage(props: {
  projectId: string;
  segmentId?: string;
  draftName: string;
  environmentKey: string;
  onCreated: (id: string) => void;
  onDeleted: () => void;
}) {
  const segments = useSegments(props.projectId);
  const { create, update, remove } = useSegmentMutations(props.projectId);
  const mayEdit = useCan('project.edit', { project: { id: props.projectId } });
  const draft = props.segmentId === undefined;
  const segment = segments.data?.find((s) => s.id === props.segmentId);
  const [name, setName] = useState(props.draftName);
  const [description, setDescription] = useState('');
  const [rules, setRules] = useState<RuleDraft[]>([]);

  useEffect(() => {
    if (!segment) return;
    setName(segment.name);
    setDescription(segment.description);
    setRules(fromApi(segment.rules));
  }, [segment]);

  const problems = checkRules(rules);
  return (
    <QueryState what="the segment" isPending={segments.isPending} error={segments.error}>
      {!segment && !draft ? (
        <Text role="alert">No segment {props.segmentId} in this project.</Text>
      ) : (
        <Stack>
          <Title order={1} size="h2">
            Segment {segment?.name ?? props.draftName}
          </Title>
          {draft && (
            <Text size="sm" c="dimmed">
              Not saved yet: a segment is created with its first rules.
            </Text>
          )}
          <Group align="end">
            <TextInput
              label="Name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextInput
              label="Description"
              maxLength={2000}
              w={360}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
          </Group>
          <RuleBuilder rules={rules} problems={problems} onChange={setRules} />
          <IdentifierUpload
            hasRules={rules.length > 0}
            onAdd={(rule) => setRules((current) => [...current, ...fromApi([rule])])}
          />
          {problems.some((p) => p.id === 'segment') && (
            <Alert color="red" role="alert">
              {problems.find((p) => p.id === 'segment')?.message}
            </Alert>
          )}
          <MutationError error={create.error ?? update.error} />
          <Group>
            <Button
              disabled={problems.length > 0 || name.trim() === ''}
              loading={create.isPending || update.isPending}
              onClick={() => {
                const body = { name: name.trim(), description, rules: toApi(rules) };
                if (segment) update.mutate({ id: segment.id, ...body });
                else create.mutate(body, { onSuccess: (created) => props.onCreated(created.id) });
              }}
            >
              Save segment
            </Button>
            {segment && (
              <ConfirmButton
                decision={mayEdit}
                color="red"
                variant="light"
                title={`Delete segment ${segment.name}?`}
                message="Its overrides in every environment go with it: the users it matched get the flags' own values."
                confirmLabel="Delete segment"
                pending={remove.isPending}
                error={remove.error}
                onOpen={remove.reset}
                onConfirm={() => remove.mutate(segment.id, { onSuccess: props.onDeleted })}
              >
                Delete segment
              </ConfirmButton>
            )}
            {update.isSuccess && (
              <Text size="sm" role="status">
                Saved.
              </Text>
            )}
          </Group>
          {segment ? (
            <TryIt
              name={segment.name}
              hashKey={segment.hash_key}
              rules={rules}
              problems={problems.length}
              environmentKey={props.environmentKey}
            />
          ) : (
            <Text size="sm">
              Save the segment to try users against it: its percentage splits are seeded by a key made when it
              is created.
            </Text>
          )}
        </Stack>
      )}
    </QueryState>
  );
}

function TryIt(props: {
  name: string;
  hashKey: string;
  rules: RuleDraft[];
  problems: number;
  environmentKey: string;
}) {
  const [identifier, setIdentifier] = useState('user-1');
  const [traitsText, setTraitsText] = useState('plan = beta');
  const parsed = parseTraits(traitsText);
  const inSegment =
    'traits' in parsed && props.problems === 0 && identifier.trim() !== ''
      ? trySegment(
          { name: props.name, hashKey: props.hashKey, rules: toApi(props.rules) },
          { environmentKey: props.environmentKey, identifier: identifier.trim(), traits: parsed.traits },
        )
      : undefined;
  return (
    <Card withBorder component="section" aria-labelledby="try-it-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="try-it-title">
          Try it
        </Title>
        <Text size="sm" c="dimmed">
          Evaluated in this browser by the same engine as the server, on the rules as edited (saved or not).
          Nothing is sent.
        </Text>
        <TextInput
          label="Identifier"
          value={identifier}
          onChange={(e) => setIdentifier(e.currentTarget.value)}
          w={260}
        />
        <Textarea
          label="Traits (key = value, one per line)"
          autosize
          minRows={2}
          value={traitsText}
          error={'problems' in parsed ? parsed.problems.join(' ') : undefined}
          onChange={(e) => setTraitsText(e.currentTarget.value)}
        />
        <Group aria-live="polite">
          {inSegment === undefined ? (
            <Text size="sm">Fix the problems above to see the result.</Text>
          ) : inSegment ? (
            <Badge variant="light" color="green" size="lg">
              In the segment
            </Badge>
          ) : (
            <Badge variant="light" color="gray" size="lg">
              Not in the segment
            </Badge>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
