import { useSearchParams } from 'react-router';
import { FlagsPage } from '../../features/flags/components/flags-page.js';
import { filterFromSearch, filterToSearch } from '../../features/flags/model/filters.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function FlagsRoute() {
  const { projectId, environment, environments } = useEnvironmentContext();
  const [params, setParams] = useSearchParams();
  return (
    <FlagsPage
      projectId={projectId}
      environment={environment}
      environments={environments}
      filter={filterFromSearch(params)}
      onFilterChange={(filter) => setParams(filterToSearch(filter), { replace: true })}
      flagHref={(featureId) => paths.flag(projectId, environment.id, featureId)}
    />
  );
}
