import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useAcceptInvitation } from '../api/session.js';

/** As the server's MIN_PASSWORD_LENGTH (auth/passwords.ts, which needs node:crypto). */
const MIN_PASSWORD = 10;

/**
 * `/accept-invitation#token=…`: the invited person picks a name and password and is signed in.
 * The token comes from the address fragment, which browsers never send to a server.
 */
export function AcceptInvitationForm({
  token,
  onAccepted,
}: {
  token: string | undefined;
  onAccepted: () => void;
}) {
  const accept = useAcceptInvitation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const short = password !== '' && password.length < MIN_PASSWORD;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token || short) return;
    accept.mutate({ token, name: name.trim(), password }, { onSuccess: onAccepted });
  };
  return (
    <Center mih="100vh">
      <Paper component="main" withBorder p="xl" w={420}>
        <form onSubmit={submit} aria-labelledby="accept-title">
          <Stack>
            <Title order={1} size="h3" id="accept-title">
              Join Pennon
            </Title>
            {!token ? (
              <Alert color="red" role="alert">
                This link holds no invitation. Open the whole link you were sent, or ask for a new one.
              </Alert>
            ) : (
              <Text size="sm">
                Choose how you appear to your team and the password you will sign in with.
              </Text>
            )}
            {accept.error && (
              <Alert color="red" role="alert" title="Not joined">
                {accept.error.message}
              </Alert>
            )}
            <TextInput
              label="Your name"
              required
              maxLength={200}
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <PasswordInput
              label="Choose a password"
              description={`At least ${MIN_PASSWORD} characters.`}
              required
              autoComplete="new-password"
              value={password}
              error={short ? `At least ${MIN_PASSWORD} characters.` : undefined}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" disabled={!token} loading={accept.isPending}>
              Join and sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
