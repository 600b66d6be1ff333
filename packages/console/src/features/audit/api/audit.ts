import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { AuditFilter } from '../model/filter.js';

/** One page of the audit log, newest first; the previous page stays shown while the next loads. */
export function useAuditPage(filter: AuditFilter, cursor: string | undefined, limit = 25) {
  return useQuery({
    queryKey: ['audit-log', filter, cursor, limit],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(api.GET('/api/admin/v1/audit-log', { params: { query: { ...filter, cursor, limit } } })),
  });
}
