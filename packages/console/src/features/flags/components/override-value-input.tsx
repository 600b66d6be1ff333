import { TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Feature } from '../../../lib/api-types.js';
import { parseValueText, valueToText } from '../../../lib/values.js';

/**
 * An override's value, edited in its row: taken when the field is left or Enter is pressed,
 * and only when it parses as the flag's type and differs from what is there (so tabbing
 * through the table changes nothing).
 */
export function OverrideValueInput(props: {
  type: Feature['type'];
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const { type, value } = props;
  const [text, setText] = useState(valueToText(type, value));
  // A saved, proposed or reloaded value replaces what was typed; compared as JSON, since a
  // reload hands over an equal but new object, which must not wipe what is being typed.
  const valueJson = JSON.stringify(value ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: valueJson stands for value
  useEffect(() => setText(valueToText(type, value)), [type, valueJson]);
  const parsed = parseValueText(type, text);
  const take = () => {
    if (parsed.ok && JSON.stringify(parsed.value) !== JSON.stringify(value ?? null))
      props.onChange(parsed.value);
  };
  return (
    <TextInput
      size="xs"
      aria-label={props.label}
      value={text}
      error={parsed.ok ? undefined : parsed.message}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={take}
      onKeyDown={(e) => {
        if (e.key === 'Enter') take();
      }}
    />
  );
}
