import { useSearchParams } from 'react-router';
import { AuditPage, type AuditSearch } from '../../features/audit/components/audit-page.js';
import { filterFromSearch } from '../../features/audit/model/filter.js';
import { useEnvironmentContext } from '../layout.js';

const KEYS = ['resource_type', 'environment_id', 'actor_kind', 'actor_id', 'from', 'to'] as const;

export default function AuditRoute() {
  const { projectId, environments } = useEnvironmentContext();
  const [params, setParams] = useSearchParams();
  const search = Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as AuditSearch;
  // The log is the organisation's; this screen shows the current project's part of it.
  const filter = { ...filterFromSearch(params), project_id: projectId };
  return (
    <AuditPage
      environments={environments}
      search={search}
      filter={filter}
      onSearchChange={(next) =>
        setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')), { replace: true })
      }
    />
  );
}
