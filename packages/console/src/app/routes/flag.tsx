import { useNavigate, useParams } from 'react-router';
import { FlagPage } from '../../features/flags/components/flag-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function FlagRoute() {
  const { projectId, environment, environments } = useEnvironmentContext();
  const { featureId } = useParams();
  const navigate = useNavigate();
  return (
    <FlagPage
      projectId={projectId}
      featureId={featureId as string}
      environment={environment}
      environments={environments}
      identityHref={(id) => paths.identity(projectId, environment.id, id)}
      experimentHref={(key) => paths.experiment(projectId, environment.id, key)}
      onDeleted={() => navigate(paths.flags(projectId, environment.id))}
      changeRequestHref={(environmentId, id) => paths.changeRequest(projectId, environmentId, id)}
    />
  );
}
