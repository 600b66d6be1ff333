import { Select, Stack, Table, Text } from '@mantine/core';
import type { Environment } from '../../../lib/api-types.js';
import type { EnvironmentAccess, ProjectRole } from '../api/members.js';
import { ACCESS_LEVELS, accessIn, PROJECT_ROLES } from '../model/members.js';

export interface AccessValue {
  role: ProjectRole;
  environments: Record<string, EnvironmentAccess>;
}

/** A project role, and for an editor what they may do in each environment. */
export function AccessFields(props: {
  who: string;
  environments: Environment[];
  value: AccessValue;
  onChange: (value: AccessValue) => void;
}) {
  const { value } = props;
  return (
    <Stack>
      <Select
        label={`Project role of ${props.who}`}
        data={PROJECT_ROLES.map((r) => ({ value: r.value, label: r.label }))}
        value={value.role}
        allowDeselect={false}
        onChange={(role) => role && props.onChange({ ...value, role: role as ProjectRole })}
      />
      {value.role === 'editor' ? (
        <Table aria-label="Access per environment">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Environment</Table.Th>
              <Table.Th scope="col">Access</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.environments.map((environment) => (
              <Table.Tr key={environment.id}>
                <Table.Td>{environment.name}</Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Access to ${environment.name}`}
                    data={[...ACCESS_LEVELS]}
                    value={accessIn('editor', value.environments, environment.id)}
                    allowDeselect={false}
                    w={130}
                    onChange={(level) =>
                      level &&
                      props.onChange({
                        ...value,
                        environments: { ...value.environments, [environment.id]: level as EnvironmentAccess },
                      })
                    }
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          {value.role === 'admin' ? 'Admins edit every environment.' : 'Viewers read every environment.'}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        edit: changes directly · propose: through a change request someone else reviews · view: reads only
      </Text>
    </Stack>
  );
}
