import { useNavigate, useSearchParams } from 'react-router';
import { SignInForm } from '../../features/auth/components/sign-in-form.js';

/** Only same-site paths are followed after sign-in: `?next=https://elsewhere` is ignored. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInRoute() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return <SignInForm onSignedIn={() => navigate(safeNext(params.get('next')), { replace: true })} />;
}
