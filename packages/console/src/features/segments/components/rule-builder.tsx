import { ActionIcon, Button, Card, Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import {
  edit,
  OPERATORS,
  type Operator,
  type RuleDraft,
  type RuleProblem,
  type RuleType,
} from '../model/rules.js';

const TYPES: { value: RuleType; label: string }[] = [
  { value: 'ALL', label: 'ALL of' },
  { value: 'ANY', label: 'ANY of' },
  { value: 'NONE', label: 'NONE of' },
];

/**
 * The segment's rule tree. A user is in the segment when every top-level rule holds; each rule
 * quantifies its conditions and its nested rules by ALL / ANY / NONE.
 */
export function RuleBuilder(props: {
  rules: RuleDraft[];
  problems: RuleProblem[];
  onChange: (rules: RuleDraft[]) => void;
}) {
  const { rules, onChange } = props;
  return (
    <Stack>
      {rules.length === 0 && <Text c="dimmed">No rules: a segment with no rules matches nobody.</Text>}
      {rules.map((rule, index) => (
        <RuleCard key={rule.id} rule={rule} depth={1} label={`Rule ${index + 1}`} {...props} />
      ))}
      <Group>
        <Button variant="light" onClick={() => onChange(edit.addRule(rules, null, 'ALL'))}>
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}

function RuleCard(props: {
  rule: RuleDraft;
  depth: number;
  label: string;
  rules: RuleDraft[];
  problems: RuleProblem[];
  onChange: (rules: RuleDraft[]) => void;
}) {
  const { rule, rules, onChange, problems, label } = props;
  const problem = problems.find((p) => p.id === rule.id);
  return (
    <Card
      withBorder
      p="sm"
      component="fieldset"
      aria-label={label}
      style={{ marginLeft: (props.depth - 1) * 16 }}
    >
      <Stack gap="xs">
        <Group justify="space-between">
          <Select
            aria-label={`${label} type`}
            size="xs"
            w={120}
            allowDeselect={false}
            data={TYPES}
            value={rule.type}
            onChange={(type) => type && onChange(edit.updateRule(rules, rule.id, { type: type as RuleType }))}
          />
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() => onChange(edit.removeRule(rules, rule.id))}
          >
            Remove {label.toLowerCase()}
          </Button>
        </Group>
        {rule.conditions.map((condition, index) => {
          const kind = OPERATORS.find((o) => o.operator === condition.operator)?.value ?? 'text';
          const name = `${label}, condition ${index + 1}`;
          const conditionProblem = problems.find((p) => p.id === condition.id);
          return (
            <Stack key={condition.id} gap={2}>
              <Group gap="xs" align="start" wrap="nowrap">
                <TextInput
                  size="xs"
                  aria-label={`${name} trait`}
                  placeholder={
                    condition.operator === 'PERCENTAGE_SPLIT' ? '(identity key)' : 'trait key or $.path'
                  }
                  value={condition.property}
                  onChange={(e) =>
                    onChange(edit.updateCondition(rules, condition.id, { property: e.currentTarget.value }))
                  }
                />
                <Select
                  size="xs"
                  aria-label={`${name} operator`}
                  w={210}
                  allowDeselect={false}
                  data={OPERATORS.map((o) => ({ value: o.operator, label: o.label }))}
                  value={condition.operator}
                  onChange={(operator) =>
                    operator &&
                    onChange(edit.updateCondition(rules, condition.id, { operator: operator as Operator }))
                  }
                />
                {kind === 'text' && (
                  <TextInput
                    size="xs"
                    aria-label={`${name} value`}
                    placeholder={
                      condition.operator === 'MODULO' ? '2|0' : 'value (1.2.0:semver compares versions)'
                    }
                    value={condition.value}
                    onChange={(e) =>
                      onChange(edit.updateCondition(rules, condition.id, { value: e.currentTarget.value }))
                    }
                  />
                )}
                {kind === 'list' && (
                  <Textarea
                    size="xs"
                    aria-label={`${name} values, one per line`}
                    placeholder="one value per line"
                    autosize
                    minRows={1}
                    value={condition.value}
                    onChange={(e) =>
                      onChange(edit.updateCondition(rules, condition.id, { value: e.currentTarget.value }))
                    }
                  />
                )}
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${name.toLowerCase()}`}
                  onClick={() => onChange(edit.removeCondition(rules, condition.id))}
                >
                  ✕
                </ActionIcon>
              </Group>
              {conditionProblem && (
                <Text size="xs" c="red">
                  {conditionProblem.message}
                </Text>
              )}
            </Stack>
          );
        })}
        {rule.rules.map((child, index) => (
          <RuleCard
            key={child.id}
            {...props}
            rule={child}
            depth={props.depth + 1}
            label={`${label}.${index + 1}`}
          />
        ))}
        {problem && (
          <Text size="xs" c="red">
            {problem.message}
          </Text>
        )}
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => onChange(edit.addCondition(rules, rule.id))}>
            Add condition to {label.toLowerCase()}
          </Button>
          <Button size="xs" variant="default" onClick={() => onChange(edit.addRule(rules, rule.id))}>
            Add nested rule to {label.toLowerCase()}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
