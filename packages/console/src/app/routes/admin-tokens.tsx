import { AdminTokensPage } from '../../features/admin-tokens/components/admin-tokens-page.js';

export default function AdminTokensRoute() {
  return <AdminTokensPage />;
}
