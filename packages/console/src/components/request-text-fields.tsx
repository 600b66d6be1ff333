import { Textarea, TextInput } from '@mantine/core';

/**
 * A change request's title and description, with the limits the API states (200 and 4,000
 * characters): the same two fields where a request is proposed and where it is revised.
 */
export function RequestTextFields(props: {
  title: string;
  description: string;
  onTitle: (title: string) => void;
  onDescription: (description: string) => void;
}) {
  return (
    <>
      <TextInput
        label="Title"
        required
        maxLength={200}
        value={props.title}
        onChange={(e) => props.onTitle(e.currentTarget.value)}
      />
      <Textarea
        label="Why (for the reviewers)"
        maxLength={4000}
        value={props.description}
        onChange={(e) => props.onDescription(e.currentTarget.value)}
      />
    </>
  );
}
