import { useNavigate, useParams } from 'react-router';
import { SegmentPage } from '../../features/segments/components/segment-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function SegmentRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const { segmentId } = useParams();
  const navigate = useNavigate();
  return (
    <SegmentPage
      projectId={projectId}
      segmentId={segmentId as string}
      environmentKey={environment.client_key}
      onDeleted={() => navigate(paths.segments(projectId, environment.id))}
    />
  );
}
