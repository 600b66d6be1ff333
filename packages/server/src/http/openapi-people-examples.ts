import { exampleIds, exampleTimes, projectExample } from './openapi-examples.js';

/*
 * Examples of the people routes for the OpenAPI document: Grace, an editor of the example
 * project who may only propose changes in production, and the session she signs in with.
 */

const at = exampleTimes.created;
const later = exampleTimes.updated;
const developmentId = '019c9a1e3f220000b8e1d7c2a5f30471';

export const peopleIds = {
  grace: '019c9c1a2b300000a1b2c3d4e5f60718',
  session: '019c9c1a2b310000b2c3d4e5f6071829',
  invitation: '019c9c1a2b320000c3d4e5f60718293a',
};

export const userSummaryExample = { id: peopleIds.grace, email: 'grace@example.com', name: 'Grace Hopper' };

export const userExample = { ...userSummaryExample, role: 'member' as const, created_at: at, updated_at: at };

export const csrfTokenExample = 'c2Rm8Kq1xV4tN7bW3zL6pY9hF2jD5sG0';

export const signInExample = { email: 'grace@example.com', password: 'correct horse battery staple' };

export const signedInExample = { user: userSummaryExample, csrf_token: csrfTokenExample };

const editorEnvironments = {
  [developmentId]: 'edit' as const,
  [exampleIds.environment]: 'propose' as const,
};

export const meExample = {
  user: userSummaryExample,
  csrf_token: csrfTokenExample,
  organisation: { id: exampleIds.organisation, name: 'Acme' },
  organisation_role: 'member' as const,
  projects: [
    {
      project_id: exampleIds.project,
      project_name: projectExample.name,
      role: 'editor' as const,
      environments: editorEnvironments,
    },
  ],
};

export const sessionExample = {
  id: peopleIds.session,
  current: true,
  user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) Firefox/123.0',
  ip: '203.0.113.7',
  created_at: at,
  last_used_at: later,
  expires_at: '2026-03-16T09:15:00.000Z',
};

export const projectMemberExample = {
  user_id: peopleIds.grace,
  email: 'grace@example.com',
  name: 'Grace Hopper',
  role: 'editor' as const,
  environments: { [exampleIds.environment]: 'propose' as const },
  created_at: at,
  updated_at: at,
};

const invitationToken = 'inv_Tz8Kp3mW6vQ1xR4nB7cL2yF9hJ5sD0gA';

export const createInvitationExample = {
  email: 'grace@example.com',
  organisation_role: 'member' as const,
  projects: [
    {
      project_id: exampleIds.project,
      role: 'editor' as const,
      environments: { [exampleIds.environment]: 'propose' as const },
    },
  ],
};

export const createdInvitationExample = {
  id: peopleIds.invitation,
  email: 'grace@example.com',
  url: `https://flags.example.com/accept-invitation#token=${invitationToken}`,
  token: invitationToken,
  expires_at: '2026-03-09T09:15:00.000Z',
};

export const invitationExample = {
  id: peopleIds.invitation,
  email: 'grace@example.com',
  organisation_role: 'member' as const,
  projects: createInvitationExample.projects,
  created_at: at,
  expires_at: createdInvitationExample.expires_at,
};

export const acceptInvitationExample = {
  token: invitationToken,
  name: 'Grace Hopper',
  password: 'correct horse battery staple',
};
