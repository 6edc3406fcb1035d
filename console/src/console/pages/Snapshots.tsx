/** Member snapshots, newest first, by status; and one snapshot's outcome: each carrier's fulfillment, the
 * coverages it left out, and Noyo's warnings and errors. */
import { useId } from 'react';
import { SnapshotOutcomeDocument, SnapshotsDocument, type MemberSnapshotStatus } from '../../gql/graphql';
import { DateText, Empty, ErrorList, Freshness, Loading, PageTitle, PersonName, Status } from '../components';
import { liveText, useLiveQuery } from '../live';
import { Link, navigate, type Location } from '../router';
import { Messages, OmittedCoverages } from './SnapshotOutcomeTables';

const STATUSES: MemberSnapshotStatus[] = ['SUBMITTED', 'PROCESSING', 'COMPLETED', 'REPLACED', 'CANCELED'];

export function SnapshotsPage({ location }: { location: Location }) {
  const id = useId();
  const status = (location.params.get('status') || null) as MemberSnapshotStatus | null;
  const query = useLiveQuery(SnapshotsDocument, { status, groupId: null, first: 25, after: null }, null);
  const page = query.data?.memberSnapshots;
  return (
    <>
      <PageTitle>Member snapshots</PageTitle>
      <form className="filters" aria-label="Filter snapshots" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status ?? ''}
            onChange={(event) => navigate(event.target.value ? `/console/snapshots?status=${event.target.value}` : '/console/snapshots')}>
            <option value="">Any status</option>
            {STATUSES.map((value) => <option key={value} value={value}>{value.toLowerCase()}</option>)}
          </select>
        </div>
      </form>
      <Freshness updatedAt={query.updatedAt} refreshing={query.refreshing} refresh={query.refresh} live={liveText(query.mode)} />
      <ErrorList errors={query.errors} title="The snapshots could not be loaded." />
      {query.loading ? <Loading what="snapshots" /> : null}
      {page ? (
        page.edges.length ? (
          <table>
            <caption className="visually-hidden">Member snapshots</caption>
            <thead><tr><th scope="col">Member</th><th scope="col">Status</th><th scope="col">Sent</th><th scope="col">Last change</th></tr></thead>
            <tbody>
              {page.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td><Link to={`/console/snapshots/${node.id}`}><PersonName person={node.employee?.person} /></Link></td>
                  <td><Status value={node.status} /></td>
                  <td><DateText value={node.created} /></td>
                  <td><DateText value={node.modified} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <Empty>No snapshots with this status.</Empty>
      ) : null}
    </>
  );
}

export function SnapshotPage({ id }: { id: string }) {
  const query = useLiveQuery(SnapshotOutcomeDocument, { id }, null);
  const snapshot = query.data?.memberSnapshot;
  return (
    <>
      <p className="breadcrumbs"><Link to="/console/snapshots">Member snapshots</Link></p>
      <PageTitle>Member snapshot</PageTitle>
      <Freshness updatedAt={query.updatedAt} refreshing={query.refreshing} refresh={query.refresh} live={liveText(query.mode)} />
      <ErrorList errors={query.errors} title="The snapshot could not be loaded." />
      {query.loading ? <Loading what="the snapshot" /> : null}
      {!query.loading && !snapshot && !query.errors.length ? <p role="alert">There is no snapshot with this id.</p> : null}
      {snapshot ? (
        <>
          <dl className="facts">
            <dt>Status</dt><dd className="snapshot-status"><Status value={snapshot.status} /></dd>
            <dt>Member</dt><dd><PersonName person={snapshot.employee?.person} /></dd>
            <dt>Group</dt>
            <dd>{snapshot.employee?.group ? <Link to={`/console/groups/${snapshot.employee.group.id}`}>{snapshot.employee.group.name}</Link> : '—'}</dd>
            <dt>Sent</dt><dd><DateText value={snapshot.created} /></dd>
            <dt>Last change</dt><dd><DateText value={snapshot.modified} /></dd>
            {snapshot.replacedBy ? (
              <>
                <dt>Replaced by</dt>
                <dd><Link to={`/console/snapshots/${snapshot.replacedBy.id}`}>a newer snapshot ({(snapshot.replacedBy.status ?? 'UNKNOWN').toLowerCase()})</Link></dd>
              </>
            ) : null}
          </dl>
          <section aria-labelledby="fulfillment-title">
            <h2 id="fulfillment-title">Fulfillment per carrier</h2>
            {snapshot.fulfillment.length ? (
              <table className="fulfillment">
                <thead><tr><th scope="col">Carrier</th><th scope="col">Status</th><th scope="col">Errors</th></tr></thead>
                <tbody>
                  {snapshot.fulfillment.map((entry) => {
                    const errors = new Set(entry.errorDetails.map((detail) => detail.message)).size;
                    return (
                      <tr key={entry.carrierId}>
                        <td>{entry.carrier?.displayName ?? entry.carrierId}</td>
                        <td><Status value={entry.status} /></td>
                        <td>{errors ? `${errors} (listed under Warnings and errors)` : <span className="muted">None</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : <Empty>No carrier is involved yet.</Empty>}
          </section>
          <section aria-labelledby="omitted-title">
            <h2 id="omitted-title">Omitted coverages</h2>
            <OmittedCoverages snapshot={snapshot} />
          </section>
          <section aria-labelledby="messages-title">
            <h2 id="messages-title">Warnings and errors</h2>
            <Messages snapshot={snapshot} />
          </section>
        </>
      ) : null}
    </>
  );
}
