import { WebhooksPage } from '../../features/webhooks/components/webhooks-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function WebhooksRoute() {
  const { projectId, projectName, environments } = useEnvironmentContext();
  return <WebhooksPage projectId={projectId} projectName={projectName} environments={environments} />;
}
