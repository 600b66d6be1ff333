import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { createPerson, grant, signIn } from '../testing/people.js';

/**
 * Every admin route, walked with every kind of caller, against this table of what each route
 * needs. The routes come from the application as built (each registered admin route and the
 * access it declares), so a new route fails here until it is added to the table below.
 */
type Need =
  | 'public'
  | 'self'
  | 'anyone'
  | 'org-admin'
  | 'project-viewer'
  | 'project-editor'
  | 'project-admin'
  | 'env-view'
  | 'env-propose'
  | 'env-edit';

const EXPECTED: Record<string, Need> = {
  'POST /auth/sign-in': 'public',
  'POST /auth/accept-invitation': 'public',
  'POST /auth/sign-out': 'self',
  'GET /auth/me': 'self',
  'GET /auth/sessions': 'self',
  'DELETE /auth/sessions/:id': 'self',
  'GET /users': 'org-admin',
  'POST /users': 'org-admin',
  'GET /users/:id': 'org-admin',
  'GET /projects/:projectId/member-candidates': 'project-admin',
  'PATCH /users/:id': 'org-admin',
  'DELETE /users/:id': 'org-admin',
  'GET /invitations': 'org-admin',
  'POST /invitations': 'org-admin',
  'DELETE /invitations/:id': 'org-admin',
  'GET /organisation': 'anyone',
  'PATCH /organisation': 'org-admin',
  'GET /admin-tokens': 'org-admin',
  'POST /admin-tokens': 'org-admin',
  'DELETE /admin-tokens/:id': 'org-admin',
  'POST /imports/flagsmith': 'org-admin',
  'GET /projects': 'anyone',
  'POST /projects': 'org-admin',
  'GET /projects/:id': 'project-viewer',
  'PATCH /projects/:id': 'project-admin',
  'DELETE /projects/:id': 'project-admin',
  'GET /projects/:projectId/members': 'project-viewer',
  'POST /projects/:projectId/members': 'project-admin',
  'PATCH /projects/:projectId/members/:userId': 'project-admin',
  'DELETE /projects/:projectId/members/:userId': 'project-admin',
  'GET /projects/:projectId/environments': 'project-viewer',
  'POST /projects/:projectId/environments': 'project-admin',
  'GET /environments/:id': 'env-view',
  'PATCH /environments/:id': 'project-admin',
  'DELETE /environments/:id': 'project-admin',
  'POST /environments/:id/client-key/rotate': 'project-admin',
  'GET /environments/:id/server-keys': 'env-view',
  'POST /environments/:id/server-keys': 'project-admin',
  'DELETE /environments/:id/server-keys/:keyId': 'project-admin',
  'GET /projects/:projectId/features': 'project-viewer',
  'POST /projects/:projectId/features': 'project-editor',
  'GET /features/:id': 'project-viewer',
  'PATCH /features/:id': 'project-editor',
  'DELETE /features/:id': 'project-editor',
  'GET /projects/:projectId/favourites': 'project-viewer',
  'PUT /features/:id/favourite': 'project-viewer',
  'DELETE /features/:id/favourite': 'project-viewer',
  'GET /environments/:environmentId/flag-usage': 'env-view',
  'GET /environments/:environmentId/feature-states': 'env-view',
  'GET /environments/:environmentId/feature-states/:featureId': 'env-view',
  'PATCH /environments/:environmentId/feature-states/:featureId': 'env-edit',
  'GET /projects/:projectId/segments': 'project-viewer',
  'POST /projects/:projectId/segments': 'project-editor',
  'GET /segments/:id': 'project-viewer',
  'PATCH /segments/:id': 'project-editor',
  'DELETE /segments/:id': 'project-editor',
  'GET /environments/:environmentId/segment-overrides': 'env-view',
  'POST /environments/:environmentId/segment-overrides': 'env-edit',
  'GET /environments/:environmentId/segment-overrides/:id': 'env-view',
  'PATCH /environments/:environmentId/segment-overrides/:id': 'env-edit',
  'DELETE /environments/:environmentId/segment-overrides/:id': 'env-edit',
  'GET /environments/:environmentId/identities': 'env-view',
  'POST /environments/:environmentId/identities': 'env-edit',
  'GET /environments/:environmentId/identities/:id': 'env-view',
  'DELETE /environments/:environmentId/identities/:id': 'env-edit',
  'GET /environments/:environmentId/identities/:id/evaluation': 'env-view',
  'GET /environments/:environmentId/identity-overrides': 'env-view',
  'PUT /environments/:environmentId/identities/:id/traits': 'env-edit',
  'PATCH /environments/:environmentId/identities/:id/traits': 'env-edit',
  'GET /environments/:environmentId/identities/:id/overrides': 'env-view',
  'PUT /environments/:environmentId/identities/:id/overrides/:featureId': 'env-edit',
  'DELETE /environments/:environmentId/identities/:id/overrides/:featureId': 'env-edit',
  'GET /projects/:projectId/metrics': 'project-viewer',
  'POST /projects/:projectId/metrics': 'project-editor',
  'GET /projects/:projectId/metrics/:metric': 'project-viewer',
  'PATCH /projects/:projectId/metrics/:metric': 'project-editor',
  'DELETE /projects/:projectId/metrics/:metric': 'project-editor',
  'GET /environments/:environmentId/experiments': 'env-view',
  'POST /environments/:environmentId/experiments': 'env-edit',
  'GET /environments/:environmentId/experiments/:experiment': 'env-view',
  'PATCH /environments/:environmentId/experiments/:experiment': 'env-edit',
  'DELETE /environments/:environmentId/experiments/:experiment': 'env-edit',
  'POST /environments/:environmentId/experiments/:experiment/start': 'env-edit',
  'POST /environments/:environmentId/experiments/:experiment/stop': 'env-edit',
  'GET /environments/:environmentId/experiments/:experiment/changes': 'env-view',
  'GET /environments/:environmentId/experiments/:experiment/results': 'env-view',
  // Members pass, and read only their projects' records (audit.routes.test.ts checks which).
  'GET /audit-log': 'anyone',
  'GET /audit-log/:id': 'anyone',
  'GET /projects/:projectId/webhooks': 'project-admin',
  'POST /projects/:projectId/webhooks': 'project-admin',
  'GET /webhooks/:id': 'project-admin',
  'PATCH /webhooks/:id': 'project-admin',
  'DELETE /webhooks/:id': 'project-admin',
  'GET /webhooks/:id/deliveries': 'project-admin',
  'POST /webhooks/:id/test': 'project-admin',
  'GET /environments/:environmentId/change-requests': 'env-view',
  'POST /environments/:environmentId/change-requests': 'env-propose',
  'GET /environments/:environmentId/change-requests/:id': 'env-view',
  'PATCH /environments/:environmentId/change-requests/:id': 'env-propose',
  'POST /environments/:environmentId/change-requests/:id/approve': 'env-edit',
  'POST /environments/:environmentId/change-requests/:id/reject': 'env-edit',
  'POST /environments/:environmentId/change-requests/:id/cancel': 'env-propose',
  'POST /environments/:environmentId/change-requests/:id/commit': 'env-edit',
  'GET /environments/:environmentId/scheduled-changes': 'env-view',
  'POST /environments/:environmentId/scheduled-changes': 'env-edit',
  'GET /environments/:environmentId/scheduled-changes/:id': 'env-view',
  'DELETE /environments/:environmentId/scheduled-changes/:id': 'env-edit',
};

const ALL: Need[] = [
  'public',
  'self',
  'anyone',
  'org-admin',
  'project-viewer',
  'project-editor',
  'project-admin',
  'env-view',
  'env-propose',
  'env-edit',
];
const READER: Need[] = ['public', 'self', 'anyone', 'project-viewer', 'env-view'];
const PROPOSER: Need[] = [...READER, 'project-editor'];

/** Who calls, and what they pass. Members' roles are in the bootstrap project; env = production. */
const PASSES: Record<string, Need[]> = {
  'owner token': ALL,
  'admin token': ALL,
  'owner user': ALL,
  'admin user': ALL,
  'project admin': ALL.filter((need) => need !== 'org-admin'),
  editor: [...PROPOSER, 'env-propose', 'env-edit'],
  'editor proposing in production': [...PROPOSER, 'env-propose'],
  'editor viewing production': PROPOSER,
  viewer: READER,
  'member without projects': ['public', 'self', 'anyone'],
  nobody: ['public'],
};

const PREFIX = '/api/admin/v1';
const PLACEHOLDER = '0123456789abcdef0123456789abcdef';

describeEachDialect('who may call which admin route', (getDatabase) => {
  let t: TestApp;
  const callers: Record<string, Record<string, string>> = {};
  let featureId: string;
  let segmentId: string;
  let webhookId: string;

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const { db } = getDatabase();
    const api = adminClient(t.app, t.admin);
    featureId = (
      await api('POST', `/projects/${t.projectId}/features`, { key: 'walk', type: 'boolean' })
    ).json().id;
    segmentId = (
      await api('POST', `/projects/${t.projectId}/segments`, {
        name: 'walk',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'walk' }] }],
      })
    ).json().id;
    webhookId = (
      await api('POST', `/projects/${t.projectId}/webhooks`, { url: 'http://127.0.0.1:9/walk' })
    ).json().id;
    expect(webhookId).toMatch(/^[0-9a-f]{32}$/);
    expect(segmentId).toMatch(/^[0-9a-f]{32}$/);
    expect(featureId).toMatch(/^[0-9a-f]{32}$/);
    const production = t.environments[1].id;

    callers['owner token'] = t.admin;
    const adminToken = await api('POST', '/admin-tokens', { name: 'walk', role: 'admin' });
    callers['admin token'] = { authorization: `Bearer ${adminToken.json().token}` };
    const people: [string, 'owner' | 'admin' | 'member', (id: string) => Promise<void>][] = [
      ['owner user', 'owner', async () => {}],
      ['admin user', 'admin', async () => {}],
      ['project admin', 'member', (id) => grant(db, t.projectId, id, 'admin')],
      ['editor', 'member', (id) => grant(db, t.projectId, id, 'editor')],
      [
        'editor proposing in production',
        'member',
        (id) => grant(db, t.projectId, id, 'editor', { [production]: 'propose' }),
      ],
      [
        'editor viewing production',
        'member',
        (id) => grant(db, t.projectId, id, 'editor', { [production]: 'view' }),
      ],
      ['viewer', 'member', (id) => grant(db, t.projectId, id, 'viewer')],
      ['member without projects', 'member', async () => {}],
    ];
    for (const [label, role, setUp] of people) {
      const email = `${label.replaceAll(' ', '-')}@walk.example`;
      await setUp(await createPerson(db, t.organisationId, email, role));
      callers[label] = (await signIn(t.app, email)).headers;
    }
    callers.nobody = {};
  }, 120_000);
  afterAll(() => t?.close());

  const routes = () => {
    const seen = new Map<string, string>();
    for (const route of t.context.adminRoutes) {
      if (route.method === 'HEAD') continue;
      seen.set(`${route.method} ${route.url.slice(PREFIX.length)}`, route.access.permission);
    }
    return seen;
  };

  it('has every admin route in the table, and nothing else', () => {
    expect([...routes().keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('registers every route of the admin API in the OpenAPI document with its access', () => {
    const paths = (t.app as unknown as { swagger(): { paths: Record<string, object> } }).swagger().paths;
    const documented = Object.entries(paths)
      .filter(([path]) => path.startsWith(PREFIX))
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter((method) => method !== 'head')
          .map(
            (method) => `${method.toUpperCase()} ${path.slice(PREFIX.length).replace(/\{(\w+)\}/g, ':$1')}`,
          ),
      );
    expect(documented.sort()).toEqual([...routes().keys()].sort());
  });

  const concrete = (url: string) =>
    url
      .replace(/^\/projects\/:(id|projectId)/, () => `/projects/${t.projectId}`)
      .replace(/^\/environments\/:(id|environmentId)/, () => `/environments/${t.environments[1].id}`)
      .replace(/^\/features\/:id/, () => `/features/${featureId}`)
      .replace(/^\/segments\/:id/, () => `/segments/${segmentId}`)
      .replace(/^\/webhooks\/:id/, () => `/webhooks/${webhookId}`)
      .replace(/:\w+/g, PLACEHOLDER);

  for (const caller of Object.keys(PASSES)) {
    describe(caller, () => {
      it('gets past authorization exactly where the table allows, and a 403 everywhere else', async () => {
        const failures: string[] = [];
        for (const [key, need] of Object.entries(EXPECTED)) {
          const [method, url] = key.split(' ');
          const reading = method === 'GET';
          // Changes carry a body no route parses: a request let through stops at 415, unexecuted,
          // so walking DELETE /projects/:id leaves the project for the next caller.
          const response = await t.app.inject({
            method: method as 'GET',
            url: `${PREFIX}${concrete(url)}`,
            headers: { ...callers[caller], ...(reading ? {} : { 'content-type': 'application/x-walk' }) },
            ...(reading ? {} : { payload: 'walk' }),
          });
          const allowed = PASSES[caller].includes(need);
          const status = response.statusCode;
          const code = status >= 400 ? response.json().error?.code : undefined;
          let ok: boolean;
          if (!allowed)
            ok =
              caller === 'nobody'
                ? status === 401 && code === 'unauthorized'
                : status === 403 && code === 'forbidden';
          else ok = reading ? ![401, 403].includes(status) && status < 500 : status === 415;
          if (!ok) failures.push(`${key} (${need}): ${status} ${code ?? ''}`);
        }
        expect(failures).toEqual([]);
      }, 60_000);
    });
  }

  it('says, to an editor who may only propose there, that a change request is needed', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `${PREFIX}/environments/${t.environments[1].id}/feature-states/${featureId}`,
      headers: callers['editor proposing in production'],
      payload: { enabled: true },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(
        /^In environment 'production' you may only propose changes: this change needs a change request/,
      ),
      details: { change_request_required: true },
    });
    const development = await t.app.inject({
      method: 'PATCH',
      url: `${PREFIX}/environments/${t.environments[0].id}/feature-states/${featureId}`,
      headers: callers['editor proposing in production'],
      payload: { enabled: true },
    });
    expect(development.statusCode, development.body).toBe(200);
  });

  it('names the role needed when refusing', async () => {
    const response = await t.app.inject({
      method: 'DELETE',
      url: `${PREFIX}/projects/${t.projectId}`,
      headers: callers.viewer,
    });
    expect(response.json().error.message).toBe(
      'Your role does not allow you to manage this project, its environments, keys and members: it needs ' +
        "the project role admin in project 'Default project' (you are viewer).",
    );
    const organisation = await t.app.inject({
      method: 'PATCH',
      url: `${PREFIX}/organisation`,
      headers: callers.editor,
      payload: {},
    });
    expect(organisation.json().error.message).toBe(
      'Your role does not allow you to change the organisation: it needs the organisation role owner or admin (you are member).',
    );
  });
});
