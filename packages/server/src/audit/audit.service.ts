import { invalid, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { toAuditRecord } from './audit.record.js';
import type { AuditRepository } from './audit.repository.js';
import type { AuditQuery, AuditRecord } from './audit.schema.js';

/** Reading the audit log of the caller's organisation. Nothing here writes: see audit.record.ts. */
export class AuditService {
  constructor(private readonly log: AuditRepository) {}

  async list(organisationId: string, query: AuditQuery): Promise<PageResult<AuditRecord>> {
    const { limit, cursor, from, to, ...filter } = query;
    const range = { from: from && toStoredTime(from), to: to && toStoredTime(to) };
    if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
      throw invalid('invalid_time_range', `'from' (${from}) must be before 'to' (${to}).`);
    }
    const page = await this.log.list(organisationId, { ...filter, ...range }, { limit, cursor });
    return { items: page.items.map(toAuditRecord), next_cursor: page.next_cursor };
  }

  async get(organisationId: string, id: string): Promise<AuditRecord> {
    const row = await this.log.find(organisationId, id);
    if (!row) throw notFound('audit_record', id);
    return toAuditRecord(row);
  }
}

/** Records store UTC with milliseconds; an offset given by the caller is converted, not compared as text. */
function toStoredTime(value: string): string {
  return new Date(value).toISOString();
}
