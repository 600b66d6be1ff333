import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { EnvironmentAccess, OrganisationRole, ProjectRole } from '../auth/permissions.js';
import type { Tables } from '../storage/tables.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';

/** Test support: a password long enough for the rules, the same for every test person. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** What a signed-in browser sends: the session cookie, and the CSRF token for changes. */
export interface Browser {
  userId: string;
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for a request that changes something. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/** Creates a person through the service (a real password hash) and returns their id. */
export async function createPerson(
  db: Kysely<Tables>,
  organisationId: string,
  email: string,
  role: OrganisationRole = 'member',
): Promise<string> {
  const user = await new UsersService(new UsersRepository(db)).create(
    organisationId,
    { email, name: email.split('@')[0], password: TEST_PASSWORD, role },
    { role: 'owner' },
  );
  return user.id;
}

/** Gives a person a project role, written as the members route would. */
export async function grant(
  db: Kysely<Tables>,
  projectId: string,
  userId: string,
  role: ProjectRole,
  environments: Record<string, EnvironmentAccess> = {},
): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('project_members')
    .values({
      project_id: projectId,
      user_id: userId,
      role,
      environments: JSON.stringify(environments),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Signs in over HTTP, as a browser would, and keeps what the browser would keep. */
export async function signIn(
  app: FastifyInstance,
  email: string,
  password = TEST_PASSWORD,
): Promise<Browser> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/admin/v1/auth/sign-in',
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const setCookie = String(response.headers['set-cookie']);
  const cookie = setCookie.split(';')[0];
  const body = response.json();
  return {
    userId: body.user.id,
    email,
    cookie,
    csrf: body.csrf_token,
    headers: { cookie, 'x-csrf-token': body.csrf_token },
  };
}
