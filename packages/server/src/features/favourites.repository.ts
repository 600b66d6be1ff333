import type { Kysely } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import type { FeatureRow, ProjectRow, Tables } from '../storage/tables.js';
import { resolveFeature } from './feature-lookup.js';

/** Each user's favourite features: one row per (user, feature), gone with either. */
export class FavouritesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findProject(organisationId: string, projectRef: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, projectRef);
  }

  findFeature(organisationId: string, featureRef: string): Promise<FeatureRow> {
    return resolveFeature(this.db, organisationId, featureRef);
  }

  async list(userId: string, projectId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('feature_favourites as f')
      .innerJoin('features', 'features.id', 'f.feature_id')
      .select('f.feature_id')
      .where('f.user_id', '=', userId)
      .where('features.project_id', '=', projectId)
      .orderBy('f.created_at', 'desc')
      .orderBy('f.feature_id')
      .execute();
    return rows.map((row) => row.feature_id);
  }

  /** Idempotent: marking a favourite twice keeps the first time. */
  async add(userId: string, featureId: string, at: string): Promise<void> {
    await this.db
      .insertInto('feature_favourites')
      .values({ user_id: userId, feature_id: featureId, created_at: at })
      .onConflict((oc) => oc.columns(['user_id', 'feature_id']).doNothing())
      .execute();
  }

  async remove(userId: string, featureId: string): Promise<void> {
    await this.db
      .deleteFrom('feature_favourites')
      .where('user_id', '=', userId)
      .where('feature_id', '=', featureId)
      .execute();
  }
}
