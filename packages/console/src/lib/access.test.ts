import { describe, expect, it } from 'vitest';
import { can, changeMode } from './access.js';
import type { Me } from './me.js';

const me = (overrides: Partial<Me>): Me => ({
  user: { id: 'u1', email: 'a@example.com', name: 'A' },
  csrf_token: 'c',
  organisation: { id: 'o1', name: 'Acme' },
  organisation_role: 'member',
  projects: [],
  ...overrides,
});

const production = { id: 'env-prod', key: 'production', requires_approval: null };
const project = { id: 'p1' };

describe('deciding with the server permission table', () => {
  it('lets an organisation admin do anything, and edit straight in an unprotected environment', () => {
    const admin = me({ organisation_role: 'admin' });
    expect(can(admin, 'users.manage')).toEqual({ allowed: true });
    expect(changeMode(admin, 'p1', production)).toEqual({ mode: 'edit' });
  });

  it('tells a viewer which role a change needs', () => {
    const viewer = me({
      projects: [{ project_id: 'p1', project_name: 'Shop', role: 'viewer', environments: {} }],
    });
    const decision = can(viewer, 'environment.edit', { project, environment: production });
    expect(decision).toMatchObject({ allowed: false, propose: false });
    expect(decision.allowed || decision.reason).toMatch(
      /project role admin or editor in project 'Shop' \(you are viewer\)/,
    );
    expect(changeMode(viewer, 'p1', production)).toMatchObject({ mode: 'view' });
    expect(can(viewer, 'users.read')).toMatchObject({ allowed: false });
  });

  it("turns an editor's 'propose' access, or a protected environment, into proposing", () => {
    const editor = me({
      projects: [
        { project_id: 'p1', project_name: 'Shop', role: 'editor', environments: { 'env-prod': 'propose' } },
      ],
    });
    expect(can(editor, 'environment.edit', { project, environment: production })).toMatchObject({
      allowed: false,
      propose: true,
    });
    expect(changeMode(editor, 'p1', production)).toMatchObject({ mode: 'propose' });
    const admin = me({ organisation_role: 'owner' });
    expect(changeMode(admin, 'p1', { ...production, requires_approval: 2 })).toEqual({
      mode: 'propose',
      why: 'production is protected: changes need 2 approvals by someone else.',
    });
  });

  it('refuses everything while nobody is known, and a member outside the project', () => {
    expect(can(undefined, 'project.read')).toMatchObject({ allowed: false });
    const outside = can(me({}), 'project.read', { project });
    // A project they have no role in is not in /auth/me: neither its id nor its name is shown.
    expect(outside.allowed || outside.reason).toMatch(/in this project \(you have no role there\)/);
  });
});
