import { describe, expect, it } from 'vitest';
import { tokenRolesFor } from './roles.js';

describe('tokenRolesFor', () => {
  it('offers an owner both roles and an admin only its own', () => {
    expect(tokenRolesFor('owner')).toEqual(['owner', 'admin']);
    expect(tokenRolesFor('admin')).toEqual(['admin']);
  });
  it('offers no more than admin while the session is unknown', () => {
    expect(tokenRolesFor(undefined)).toEqual(['admin']);
  });
});
