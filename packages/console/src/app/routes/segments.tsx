import { useNavigate } from 'react-router';
import { SegmentsPage } from '../../features/segments/components/segments-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function SegmentsRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const navigate = useNavigate();
  const href = (id: string) => paths.segment(projectId, environment.id, id);
  return (
    <SegmentsPage
      projectId={projectId}
      segmentHref={href}
      onNew={(name) => navigate(paths.newSegment(projectId, environment.id, name))}
    />
  );
}
