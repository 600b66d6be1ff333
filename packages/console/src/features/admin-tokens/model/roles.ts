import type { TokenRole } from '../api/admin-tokens.js';

/**
 * The roles a person may give a new token: not above their own (the server refuses an admin
 * making an owner's token), so an admin is offered only 'admin'.
 */
export function tokenRolesFor(role: 'owner' | 'admin' | 'member' | undefined): TokenRole[] {
  if (role === 'owner') return ['owner', 'admin'];
  return ['admin'];
}
