import { useNavigate } from 'react-router';
import { ExperimentsPage } from '../../features/experiments/components/experiments-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function ExperimentsRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const navigate = useNavigate();
  const href = (key: string) => paths.experiment(projectId, environment.id, key);
  return (
    <ExperimentsPage
      projectId={projectId}
      environment={environment}
      experimentHref={href}
      metricsHref={paths.metrics(projectId, environment.id)}
      onCreated={(key) => navigate(href(key))}
    />
  );
}
