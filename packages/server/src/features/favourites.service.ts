import type { AdminPrincipal } from '../auth/admin-auth.js';
import { invalid } from '../errors.js';
import type { FavouritesRepository } from './favourites.repository.js';

/**
 * A signed-in person's favourite flags. They are a preference of one user, not configuration:
 * nothing is published, audited or seen by anyone else. An admin token is nobody's, so it
 * has no favourites to read and may not mark any.
 */
export class FavouritesService {
  constructor(private readonly favourites: FavouritesRepository) {}

  /** Throws `project_not_found` outside the caller's organisation. */
  async list(caller: AdminPrincipal, projectRef: string): Promise<{ feature_ids: string[] }> {
    const project = await this.favourites.findProject(caller.organisationId, projectRef);
    if (!caller.userId) return { feature_ids: [] };
    return { feature_ids: await this.favourites.list(caller.userId, project.id) };
  }

  async set(caller: AdminPrincipal, featureRef: string, favourite: boolean): Promise<void> {
    const userId = requireUser(caller);
    const feature = await this.favourites.findFeature(caller.organisationId, featureRef);
    if (favourite) await this.favourites.add(userId, feature.id, new Date().toISOString());
    else await this.favourites.remove(userId, feature.id);
  }
}

function requireUser(caller: AdminPrincipal): string {
  if (caller.userId) return caller.userId;
  throw invalid(
    'user_session_required',
    'Favourites belong to a person: sign in to the console to mark one (an admin token has none).',
  );
}
