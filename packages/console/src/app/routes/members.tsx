import { MembersPage } from '../../features/members/components/members-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function MembersRoute() {
  const { projectId, projectName, environments } = useEnvironmentContext();
  return <MembersPage projectId={projectId} projectName={projectName} environments={environments} />;
}
