import { useNavigate, useParams } from 'react-router';
import { IdentityPage } from '../../features/identities/components/identity-page.js';
import { useEnvironmentContext } from '../layout.js';
import { paths } from '../paths.js';

export default function IdentityRoute() {
  const { projectId, environment } = useEnvironmentContext();
  const { identityId } = useParams();
  const navigate = useNavigate();
  return (
    <IdentityPage
      environment={environment}
      identityId={identityId as string}
      flagHref={(id) => paths.flag(projectId, environment.id, id)}
      segmentHref={(id) => paths.segment(projectId, environment.id, id)}
      onDeleted={() => navigate(paths.identities(projectId, environment.id))}
    />
  );
}
