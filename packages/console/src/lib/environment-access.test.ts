import { describe, expect, it } from 'vitest';
import { environmentAccess } from './access.js';
import type { Me } from './me.js';

const me = (role: Me['organisation_role'], projects: Me['projects'] = []): Me => ({
  user: { id: 'u', email: 'a@b.c', name: 'A' },
  csrf_token: 't',
  organisation: { id: 'o', name: 'O' },
  organisation_role: role,
  projects,
});

describe('access per environment, as the server decides it', () => {
  it('lets organisation owners and admins edit everywhere', () => {
    expect(environmentAccess(me('owner'), 'p', 'e')).toBe('edit');
    expect(environmentAccess(me('admin'), 'p', 'e')).toBe('edit');
  });

  it("follows a member's project role and an editor's limits per environment", () => {
    const editor = me('member', [
      {
        project_id: 'p',
        project_name: 'P',
        role: 'editor',
        environments: { prod: 'propose', audit: 'view' },
      },
    ]);
    expect(environmentAccess(editor, 'p', 'dev')).toBe('edit');
    expect(environmentAccess(editor, 'p', 'prod')).toBe('propose');
    expect(environmentAccess(editor, 'p', 'audit')).toBe('view');
    expect(environmentAccess(editor, 'other', 'dev')).toBe('view');
    const viewer = me('member', [{ project_id: 'p', project_name: 'P', role: 'viewer', environments: {} }]);
    expect(environmentAccess(viewer, 'p', 'dev')).toBe('view');
    const admin = me('member', [
      { project_id: 'p', project_name: 'P', role: 'admin', environments: { prod: 'view' } },
    ]);
    expect(environmentAccess(admin, 'p', 'prod')).toBe('edit');
  });
});
