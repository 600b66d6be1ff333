import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { unwrap } from '../../../lib/api-client.js';
import type { AuditRecord } from '../../../lib/api-types.js';

/**
 * The audit entries of one flag: the feature itself, its state in each environment and its
 * segment overrides (each a resource of its own in the log), newest first. `enabled` is the
 * 'audit.read' permission: others are told where the history is instead.
 */
export function useFlagHistory(
  target: { featureId: string; stateIds: readonly string[]; overrideIds: readonly string[] },
  enabled: boolean,
) {
  const resources = [
    { resource_type: 'feature' as const, resource_id: target.featureId },
    ...target.stateIds.map((id) => ({ resource_type: 'feature_state' as const, resource_id: id })),
    ...target.overrideIds.map((id) => ({ resource_type: 'segment_override' as const, resource_id: id })),
  ];
  return useQuery({
    queryKey: ['audit-log', 'flag', resources],
    enabled,
    queryFn: async () => {
      const pages = await Promise.all(
        resources.map((query) =>
          unwrap(api.GET('/api/admin/v1/audit-log', { params: { query: { ...query, limit: 100 } } })),
        ),
      );
      const records: AuditRecord[] = pages.flatMap((p) => p.items);
      // Ids are time-ordered: newest first across every resource.
      return records.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    },
  });
}
