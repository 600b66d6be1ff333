import { MetricsPage } from '../../features/experiments/components/metrics-page.js';
import { useEnvironmentContext } from '../layout.js';

export default function MetricsRoute() {
  const { projectId } = useEnvironmentContext();
  return <MetricsPage projectId={projectId} />;
}
