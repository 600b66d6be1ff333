import { WebhooksPage } from '../../features/webhooks/components/webhooks-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function WebhooksRoute() {
  const { projectId, environments } = useEnvironmentContext();
  return <WebhooksPage projectId={projectId} environments={environments} />;
}
