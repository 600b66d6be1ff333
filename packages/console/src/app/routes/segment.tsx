import { useNavigate, useParams, useSearchParams } from 'react-router';
import { SegmentPage } from '../../features/segments/components/segment-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function SegmentRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const { segmentId } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  return (
    <SegmentPage
      // A draft becomes the saved segment's page: a fresh editor, its state from the server.
      key={segmentId ?? 'new'}
      projectId={projectId}
      segmentId={segmentId}
      draftName={search.get('name') ?? ''}
      onCreated={(id) => navigate(paths.segment(projectId, environment.id, id), { replace: true })}
      environmentKey={environment.client_key}
      onDeleted={() => navigate(paths.segments(projectId, environment.id))}
    />
  );
}
