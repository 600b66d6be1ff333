import { MembersPage } from '../../features/members/components/members-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function MembersRoute() {
  const { projectId, environments } = useEnvironmentContext();
  return <MembersPage projectId={projectId} environments={environments} />;
}
