import { Alert, Loader } from '@mantine/core';
import type { ReactNode } from 'react';

/** Loading and failure of a query, said the same way on every screen. */
export function QueryState(props: {
  isPending: boolean;
  error: Error | null;
  children: ReactNode;
  what: string;
}) {
  if (props.error) {
    return (
      <Alert color="red" role="alert" title={`Could not load ${props.what}`}>
        {props.error.message}
      </Alert>
    );
  }
  if (props.isPending) return <Loader size="sm" aria-label={`Loading ${props.what}`} />;
  return <>{props.children}</>;
}

/** A mutation's failure, shown beside the control that caused it. */
export function MutationError({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert">
      {error.message}
    </Alert>
  );
}
