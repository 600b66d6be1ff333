import { Button, type ButtonProps, Tooltip } from '@mantine/core';
import type { MouseEventHandler } from 'react';
import type { Decision } from '../lib/access.js';

/**
 * A button the signed-in person may not be allowed to use. Refused, it stays visible and
 * focusable (aria-disabled, not disabled) so keyboard users reach the tooltip naming the role
 * it needs; clicks do nothing.
 */
export function GuardedButton({
  decision,
  onClick,
  ...props
}: ButtonProps & {
  decision: Decision;
  onClick?: MouseEventHandler<HTMLButtonElement>;
  type?: 'button' | 'submit';
}) {
  if (decision.allowed) return <Button onClick={onClick} {...props} />;
  return (
    <Tooltip label={decision.reason} multiline w={320} withArrow>
      <Button
        {...props}
        data-disabled
        aria-disabled
        aria-description={decision.reason}
        onClick={(event) => event.preventDefault()}
      />
    </Tooltip>
  );
}
