import { useParams } from 'react-router';
import { FlagPage } from '../../features/flags/components/flag-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function FlagRoute() {
  const { projectId, environment, environments } = useEnvironmentContext();
  const { featureId } = useParams();
  return (
    <FlagPage
      projectId={projectId}
      featureId={featureId as string}
      environment={environment}
      environments={environments}
      changeRequestHref={(environmentId, id) => paths.changeRequest(projectId, environmentId, id)}
    />
  );
}
