import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { ACTOR_KINDS, RESOURCE_TYPES } from '@pennon/server/audit-vocabulary';
import { useState } from 'react';
import { AuditRecords } from '../../../components/audit-records.js';
import { QueryState } from '../../../components/query-state.js';
import { useActorName } from '../../../lib/actors.js';
import type { Environment } from '../../../lib/api-types.js';
import { useAuditPage } from '../api/audit.js';
import type { AuditFilter } from '../model/filter.js';

/** What the filters look like in the address, as typed (times local, not yet instants). */
export type AuditSearch = Record<
  'resource_type' | 'environment_id' | 'actor_kind' | 'actor_id' | 'from' | 'to',
  string
>;

/**
 * The organisation's audit log: every change with who, when and before/after, filtered by
 * resource type, environment, actor and time, paged newest first.
 */
export function AuditPage(props: {
  environments: Environment[];
  search: AuditSearch;
  filter: AuditFilter;
  onSearchChange: (search: AuditSearch) => void;
}) {
  const { search } = props;
  // Cursors of the pages before this one, so "Newer" walks back as "Older" walked forward.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useAuditPage(props.filter, cursor);
  const actorName = useActorName();
  const names = new Map(props.environments.map((e) => [e.id, e.name]));
  const set = (key: keyof AuditSearch, value: string | null) => {
    setCursors([undefined]);
    props.onSearchChange({ ...search, [key]: value ?? '' });
  };

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Group
        align="end"
        gap="sm"
        component="form"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => e.preventDefault()}
      >
        <Select
          label="Resource type"
          placeholder="Any"
          clearable
          data={[...RESOURCE_TYPES]}
          value={search.resource_type || null}
          onChange={(v) => set('resource_type', v)}
          w={180}
        />
        <Select
          label="Environment"
          placeholder="Any"
          clearable
          data={props.environments.map((e) => ({ value: e.id, label: e.name }))}
          value={search.environment_id || null}
          onChange={(v) => set('environment_id', v)}
          w={170}
        />
        <Select
          label="Actor kind"
          placeholder="Any"
          clearable
          data={[...ACTOR_KINDS]}
          value={search.actor_kind || null}
          onChange={(v) => set('actor_kind', v)}
          w={130}
        />
        <TextInput
          label="Actor id"
          value={search.actor_id}
          onChange={(e) => set('actor_id', e.currentTarget.value)}
          w={200}
        />
        <TextInput
          type="datetime-local"
          label="From"
          value={search.from}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
        <TextInput
          type="datetime-local"
          label="To"
          value={search.to}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
      </Group>
      <QueryState what="the audit log" isPending={page.isPending} error={page.error}>
        {page.data && page.data.items.length === 0 ? (
          <Text>No change matches these filters.</Text>
        ) : (
          <AuditRecords
            records={page.data?.items ?? []}
            actorName={actorName}
            environmentName={(id) => (id ? names.get(id) : undefined)}
          />
        )}
      </QueryState>
      <Group justify="space-between">
        <Button
          variant="default"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </Button>
        <Text size="sm">Page {cursors.length}</Text>
        <Button
          variant="default"
          disabled={!page.data?.next_cursor}
          onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
        >
          Older
        </Button>
      </Group>
    </Stack>
  );
}
