import { Group, Select } from '@mantine/core';
import { useEnvironments, useProjects } from '../api/environments.js';

/**
 * Project and environment pickers. Choosing a project moves to its first environment; the
 * caller decides where that leads (it owns the URL).
 */
export function EnvironmentSwitcher(props: {
  organisationName: string;
  projectId: string;
  environmentId: string;
  onChange: (projectId: string, environmentId: string) => void;
}) {
  const projects = useProjects();
  const environments = useEnvironments(props.projectId);
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label={`Project in ${props.organisationName}`}
        size="xs"
        w={180}
        allowDeselect={false}
        data={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        value={props.projectId}
        onChange={(projectId) => projectId && props.onChange(projectId, '')}
      />
      <Select
        aria-label="Environment"
        size="xs"
        w={160}
        allowDeselect={false}
        data={(environments.data ?? []).map((e) => ({ value: e.id, label: e.name }))}
        value={props.environmentId}
        onChange={(environmentId) => environmentId && props.onChange(props.projectId, environmentId)}
      />
    </Group>
  );
}
