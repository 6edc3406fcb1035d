/** The console's frame: skip link, navigation, who is signed in, and the page for the URL. */
import { useEffect, useState } from 'react';
import { getCredential, identity, onCredentialChange } from './auth';
import { GroupPage } from './pages/GroupPage';
import { RequestPage } from './pages/RequestPage';
import { ReviewQueuePage } from './pages/ReviewQueue';
import { SignInPage } from './pages/SignIn';
import { SnapshotPage, SnapshotsPage } from './pages/Snapshots';
import { Link, match, useLocation, type Location } from './router';

function Page({ location }: { location: Location }) {
  const { path } = location;
  let params: Record<string, string> | null;
  if (path === '/console' || path === '/console/review') return <ReviewQueuePage location={location} />;
  if ((params = match('/console/requests/:id', path))) return <RequestPage key={params.id} id={params.id} />;
  if ((params = match('/console/groups/:id', path))) return <GroupPage key={params.id} id={params.id} />;
  if (path === '/console/snapshots') return <SnapshotsPage location={location} />;
  if ((params = match('/console/snapshots/:id', path))) return <SnapshotPage key={params.id} id={params.id} />;
  if (path === '/console/sign-in') return <SignInPage />;
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no console page at this address. <Link to="/console">Go to the review queue</Link>.</p>
    </>
  );
}

function useIdentity() {
  const [who, setWho] = useState(() => identity(getCredential()));
  useEffect(() => onCredentialChange(() => setWho(identity(getCredential()))), []);
  return who;
}

export function App() {
  const location = useLocation();
  const who = useIdentity();
  const section = location.path.startsWith('/console/snapshots') ? 'snapshots' : location.path === '/console/sign-in' ? 'sign-in' : 'review';
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">noyo-gateway · operations</span>
        <nav aria-label="Console">
          <ul>
            <li><Link to="/console" aria-current={section === 'review' ? 'page' : undefined}>Review queue</Link></li>
            <li><Link to="/console/snapshots" aria-current={section === 'snapshots' ? 'page' : undefined}>Snapshots</Link></li>
            <li><a href="/graphql">GraphiQL</a></li>
          </ul>
        </nav>
        <div className="who">
          <span className="identity">
            {who.label}
            {who.role ? ` · ${who.role}` : ''}
            {who.scopes ? (who.scopes.includes('phi') ? ' · sees personal data' : ' · personal data hidden') : ''}
          </span>
          <Link to="/console/sign-in" aria-current={section === 'sign-in' ? 'page' : undefined}>
            {getCredential() ? 'Change sign-in' : 'Sign in'}
          </Link>
        </div>
      </header>
      <main id="main" key={location.path}>
        <Page location={location} />
      </main>
    </>
  );
}
