import { describe, expect, it } from 'vitest';
import { revisionDraft } from './revision.js';

const change = { kind: 'feature_state', feature: 'banner', enabled: true };
const request = { title: 'Banner on', description: '', changes: [change] };
const form = (extra: Partial<{ title: string; description: string; changesText: string }>) => ({
  title: request.title,
  description: request.description,
  changesText: JSON.stringify(request.changes, null, 2),
  ...extra,
});

describe('revising a change request', () => {
  it('sends nothing when nothing differs, however the JSON is laid out', () => {
    expect(revisionDraft(request, form({ changesText: JSON.stringify([change]) }))).toEqual({
      ok: true,
      newRevision: false,
      body: {},
    });
  });

  it('sends a new title alone without starting a new revision', () => {
    expect(revisionDraft(request, form({ title: ' Banner on at last ' }))).toEqual({
      ok: true,
      newRevision: false,
      body: { title: 'Banner on at last' },
    });
  });

  it('sends new changes as a new revision, whose approvals start over', () => {
    const changes = [{ ...change, enabled: false }];
    expect(revisionDraft(request, form({ changesText: JSON.stringify(changes) }))).toEqual({
      ok: true,
      newRevision: true,
      body: { changes },
    });
  });

  it('names what is wrong with the changes instead of sending them', () => {
    const problem = (changesText: string) => {
      const draft = revisionDraft(request, form({ changesText }));
      return draft.ok ? undefined : draft.message;
    };
    expect(problem('[{')).toMatch(/^The changes are not valid JSON/);
    expect(problem('{}')).toBe('The changes must be a JSON list, [ … ].');
    expect(problem('[]')).toMatch(/at least one change/);
    expect(problem('[{"feature":"banner"}]')).toMatch(/^Change 0 needs a "kind"/);
    expect(revisionDraft(request, form({ title: '  ' }))).toEqual({
      ok: false,
      message: 'The title cannot be empty.',
    });
  });
});
