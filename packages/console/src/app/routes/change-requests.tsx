import { useSearchParams } from 'react-router';
import type { ChangeRequestStatus } from '../../features/change-requests/api/change-requests.js';
import { ChangeRequestsPage } from '../../features/change-requests/components/change-requests-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

const STATUSES = new Set(['open', 'approved', 'committed', 'rejected', 'cancelled', 'failed']);

export default function ChangeRequestsRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  return (
    <ChangeRequestsPage
      projectId={projectId}
      environment={environment}
      status={status && STATUSES.has(status) ? (status as ChangeRequestStatus) : undefined}
      onStatusChange={(next) => setParams(next ? { status: next } : {}, { replace: true })}
      requestHref={(id) => paths.changeRequest(projectId, environment.id, id)}
    />
  );
}
