import { forbidden, invalid, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { toAuditRecord } from './audit.record.js';
import type { AuditRepository } from './audit.repository.js';
import type { AuditQuery, AuditRecord } from './audit.schema.js';

/**
 * Whose records a caller reads: every record of the organisation (owners, admins, tokens), or
 * a member's: those of the projects they have a role in, whatever the role (a viewer reads a
 * flag's history as they read the flag). Organisation-wide records (people, tokens, the
 * organisation itself) name no project, so members never see them.
 */
export type AuditReader = { everything: true } | { everything: false; projects: readonly string[] };

/** Reading the audit log of the caller's organisation. Nothing here writes: see audit.record.ts. */
export class AuditService {
  constructor(private readonly log: AuditRepository) {}

  async list(
    organisationId: string,
    query: AuditQuery,
    reader: AuditReader,
  ): Promise<PageResult<AuditRecord>> {
    const { limit, cursor, from, to, ...filter } = query;
    const range = { from: from && toStoredTime(from), to: to && toStoredTime(to) };
    if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
      throw invalid('invalid_time_range', `'from' (${from}) must be before 'to' (${to}).`);
    }
    if (
      !reader.everything &&
      filter.project_id !== undefined &&
      !reader.projects.includes(filter.project_id)
    ) {
      // Named as people know it; an id the organisation does not have is all there is to name.
      const name = (await this.log.projectName(organisationId, filter.project_id)) ?? filter.project_id;
      throw forbidden(
        `You have no role in project '${name}': members read the audit records of their own projects only.`,
      );
    }
    const projects = reader.everything ? undefined : reader.projects;
    const page = await this.log.list(organisationId, { ...filter, ...range, projects }, { limit, cursor });
    return { items: page.items.map(toAuditRecord), next_cursor: page.next_cursor };
  }

  /** A record the reader may not see is not found, as if absent: its id says nothing. */
  async get(organisationId: string, id: string, reader: AuditReader): Promise<AuditRecord> {
    const row = await this.log.find(organisationId, id);
    const visible =
      row && (reader.everything || (row.project_id !== null && reader.projects.includes(row.project_id)));
    if (!row || !visible) throw notFound('audit_record', id);
    return toAuditRecord(row);
  }
}

/** Records store UTC with milliseconds; an offset given by the caller is converted, not compared as text. */
function toStoredTime(value: string): string {
  return new Date(value).toISOString();
}
