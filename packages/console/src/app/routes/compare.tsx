import { useMe } from '../../features/auth/api/session.js';
import { ComparePage } from '../../features/flags/components/compare-page.js';
import { environmentAccess } from '../../lib/access.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function CompareRoute() {
  const { projectId, environment, environments } = useEnvironmentContext();
  const me = useMe();
  return (
    <ComparePage
      projectId={projectId}
      environment={environment}
      environments={environments}
      accessIn={(id) => (me.data ? environmentAccess(me.data, projectId, id) : 'view')}
      flagHref={(id) => paths.flag(projectId, environment.id, id)}
      changeRequestHref={(environmentId, id) => paths.changeRequest(projectId, environmentId, id)}
    />
  );
}
