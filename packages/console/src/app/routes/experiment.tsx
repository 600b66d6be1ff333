import { useNavigate, useParams } from 'react-router';
import { ExperimentPage } from '../../features/experiments/components/experiment-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function ExperimentRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const { experimentKey } = useParams();
  const navigate = useNavigate();
  return (
    <ExperimentPage
      projectId={projectId}
      environment={environment}
      experimentKey={experimentKey as string}
      onDeleted={() => navigate(paths.experiments(projectId, environment.id))}
    />
  );
}
