import type { Kysely } from 'kysely';
import type { SessionRow, Tables } from '../storage/tables.js';

/** Storage of browser sessions. Looked up by the digest of the cookie's token, never the token. */
export class SessionsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /** The session with this token digest, with its person; expired ones too (the caller decides). */
  findByTokenHash(tokenHash: string) {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id as id',
        'sessions.csrf_token as csrf_token',
        'sessions.expires_at as expires_at',
        'sessions.last_used_at as last_used_at',
        'users.id as user_id',
        'users.organisation_id as organisation_id',
        'users.role as role',
        'users.email as email',
        'users.name as name',
      ])
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  listForUser(userId: string, now: string) {
    return this.db
      .selectFrom('sessions')
      .select(['id', 'user_agent', 'ip', 'created_at', 'last_used_at', 'expires_at'])
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('id')
      .execute();
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  /** Deletes one session of one person; false when that person has no such session. */
  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Expired sessions of a person go when they sign in again, so the table does not grow. */
  async deleteExpired(userId: string, now: string): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('expires_at', '<=', now)
      .execute();
  }
}
