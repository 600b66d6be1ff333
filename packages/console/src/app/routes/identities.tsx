import { useNavigate } from 'react-router';
import { IdentitiesPage } from '../../features/identities/components/identities-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function IdentitiesRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const navigate = useNavigate();
  const href = (id: string) => paths.identity(projectId, environment.id, id);
  return <IdentitiesPage environment={environment} identityHref={href} onOpen={(id) => navigate(href(id))} />;
}
