import { Badge } from '@mantine/core';

const COLOURS: Record<string, string> = {
  open: 'blue',
  approved: 'teal',
  committed: 'green',
  pending: 'blue',
  applied: 'green',
  rejected: 'red',
  failed: 'red',
  cancelled: 'gray',
};

/** A request's or schedule's status, coloured the same way everywhere. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant="light" color={COLOURS[status] ?? 'gray'}>
      {status}
    </Badge>
  );
}
