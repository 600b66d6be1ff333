import type { Kysely, Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { ProjectRow, SegmentRow, Tables } from '../storage/tables.js';
import { resolveSegment } from './segment-lookup.js';

/** Storage of segments. Callers scope by organisation first (`findProject`, `find`). */
export class SegmentsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(work: (repository: SegmentsRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new SegmentsRepository(trx), trx));
  }

  /** By id or name; throws `project_not_found`. */
  findProject(organisationId: string, projectRef: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, projectRef);
  }

  list(projectId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('segments').selectAll().where('project_id', '=', projectId),
      'id',
      page,
    );
  }

  /** The segment by id or name, only if its project belongs to the organisation; throws `segment_not_found`. */
  find(organisationId: string, ref: string): Promise<SegmentRow> {
    return resolveSegment(this.db, organisationId, ref);
  }

  findByName(projectId: string, name: string): Promise<SegmentRow | undefined> {
    return this.db
      .selectFrom('segments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insert(row: SegmentRow): Promise<void> {
    await this.db.insertInto('segments').values(row).execute();
  }

  async update(
    id: string,
    changes: Partial<Pick<SegmentRow, 'name' | 'description' | 'rules' | 'updated_at'>>,
  ) {
    await this.db.updateTable('segments').set(changes).where('id', '=', id).execute();
  }

  /** Its overrides in every environment go with it (foreign-key cascade). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('segments').where('id', '=', id).execute();
  }
}
