import { useLocation, useNavigate } from 'react-router';
import { AcceptInvitationForm } from '../../features/auth/components/accept-invitation-form.js';

/** The token travels in the fragment (`#token=…`) so it never reaches a server log. */
export default function AcceptInvitationRoute() {
  const location = useLocation();
  const navigate = useNavigate();
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? undefined;
  return <AcceptInvitationForm token={token} onAccepted={() => navigate('/', { replace: true })} />;
}
