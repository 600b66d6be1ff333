import { useParams } from 'react-router';
import { ChangeRequestPage } from '../../features/change-requests/components/change-request-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function ChangeRequestRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const { requestId } = useParams();
  return <ChangeRequestPage projectId={projectId} environment={environment} id={requestId as string} />;
}
