import { KeysPage } from '../../features/environments/components/keys-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function KeysRoute() {
  const { projectId, environment } = useEnvironmentContext();
  return <KeysPage projectId={projectId} environment={environment} />;
}
