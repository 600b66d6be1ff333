import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router';

/** "Proposed: <the request>" (or "Scheduled: …") after a change went to review, linking to it when it can. */
export function ProposedNotice(props: {
  kind: 'propose' | 'schedule';
  title: string;
  href?: string;
  onClose: () => void;
}) {
  return (
    <Alert color="green" role="status" withCloseButton closeButtonLabel="Dismiss" onClose={props.onClose}>
      {props.kind === 'propose' ? 'Proposed: ' : 'Scheduled: '}
      {props.href ? (
        // The alert's own text colour: a link's blue on its green fails contrast.
        <Anchor component={Link} to={props.href} c="inherit" underline="always">
          {props.title}
        </Anchor>
      ) : (
        props.title
      )}
    </Alert>
  );
}
