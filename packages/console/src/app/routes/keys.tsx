import { KeysPage } from '../../features/environments/components/keys-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function KeysRoute() {
  const { projectId, projectName, environment } = useEnvironmentContext();
  return <KeysPage projectId={projectId} projectName={projectName} environment={environment} />;
}
