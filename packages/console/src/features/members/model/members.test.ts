import { describe, expect, it } from 'vitest';
import { accessChanges, accessIn, limitsToSend } from './members.js';

describe('accessIn', () => {
  it('gives admins edit and viewers view whatever the limits say', () => {
    expect(accessIn('admin', { env: 'view' }, 'env')).toBe('edit');
    expect(accessIn('viewer', {}, 'env')).toBe('view');
  });
  it("reads an editor's limit, unlisted meaning edit", () => {
    expect(accessIn('editor', { prod: 'propose' }, 'prod')).toBe('propose');
    expect(accessIn('editor', { prod: 'propose' }, 'dev')).toBe('edit');
  });
});

describe('limitsToSend', () => {
  it("keeps an editor's limits below edit only", () => {
    expect(limitsToSend('editor', { dev: 'edit', prod: 'propose', stage: 'view' })).toEqual({
      prod: 'propose',
      stage: 'view',
    });
  });
  it('sends no limits for admins and viewers', () => {
    expect(limitsToSend('admin', { prod: 'view' })).toEqual({});
    expect(limitsToSend('viewer', { prod: 'view' })).toEqual({});
  });
});

describe('accessChanges', () => {
  const environments = [
    { id: 'dev', name: 'Development' },
    { id: 'prod', name: 'Production' },
  ];
  it('lists the role and every environment whose access moves', () => {
    expect(
      accessChanges(
        { role: 'viewer', environments: {} },
        { role: 'editor', environments: { prod: 'propose' } },
        environments,
      ),
    ).toEqual(['role viewer → editor', 'Development: view → edit', 'Production: view → propose']);
  });
  it('is empty when the effective access stays, even if the stored limits differ', () => {
    expect(
      accessChanges(
        { role: 'editor', environments: {} },
        { role: 'editor', environments: { dev: 'edit' } },
        environments,
      ),
    ).toEqual([]);
  });
});
