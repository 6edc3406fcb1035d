/** A group: its standing with each carrier, its disconnection requests, connections and snapshots. */
import { GroupPageDocument } from '../../gql/graphql';
import { DateText, Empty, ErrorList, Freshness, Loading, PageTitle, PersonName, Status } from '../components';
import { liveText, useLiveQuery } from '../live';
import { Link } from '../router';

export function GroupPage({ id }: { id: string }) {
  const query = useLiveQuery(GroupPageDocument, { id }, null);
  const group = query.data?.group;
  return (
    <>
      <p className="breadcrumbs"><Link to="/console">Review queue</Link></p>
      <PageTitle>{group ? group.name : 'Group'}</PageTitle>
      {group?.dbaName ? <p className="lede">Doing business as {group.dbaName}</p> : null}
      <Freshness updatedAt={query.updatedAt} refreshing={query.refreshing} refresh={query.refresh} live={liveText(query.mode)} />
      <ErrorList errors={query.errors} title="The group could not be loaded." />
      {query.loading ? <Loading what="the group" /> : null}
      {!query.loading && !group && !query.errors.length ? <p role="alert">There is no group with this id, or it is outside your scope.</p> : null}
      {group ? (
        <>
          <section aria-labelledby="status-title">
            <h2 id="status-title">Status per carrier</h2>
            {group.status.length ? (
              <table>
                <thead>
                  <tr><th scope="col">Carrier</th><th scope="col">State</th><th scope="col">End date</th><th scope="col">Deciding request</th></tr>
                </thead>
                <tbody>
                  {group.status.map((entry) => (
                    <tr key={entry.carrierId}>
                      <td>{entry.carrier?.displayName ?? entry.carrierId}</td>
                      <td><Status value={entry.state} /></td>
                      <td><DateText value={entry.effectiveEndDate} /></td>
                      <td>
                        {entry.disconnectionRequest ? (
                          <Link to={`/console/requests/${entry.disconnectionRequest.id}`}>
                            {(entry.disconnectionRequest.status ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ')} request
                          </Link>
                        ) : <span className="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>The group is not connected with any carrier.</Empty>}
          </section>
          <section aria-labelledby="requests-title">
            <h2 id="requests-title">Disconnection requests</h2>
            {group.disconnectionRequests.nodes.length ? (
              <table>
                <thead>
                  <tr><th scope="col">Carrier</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">End date</th><th scope="col">Received</th></tr>
                </thead>
                <tbody>
                  {group.disconnectionRequests.nodes.map((request) => (
                    <tr key={request.id}>
                      <td><Link to={`/console/requests/${request.id}`}>{request.carrier?.displayName ?? 'Unknown carrier'}</Link></td>
                      <td><Status value={request.status} /></td>
                      <td>{(request.sourceType ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ')}</td>
                      <td><DateText value={request.effectiveEndDate} /></td>
                      <td><DateText value={request.created} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>No disconnection requests for this group.</Empty>}
          </section>
          <section aria-labelledby="connections-title">
            <h2 id="connections-title">Connections</h2>
            {group.connections.length ? (
              <table>
                <thead>
                  <tr><th scope="col">Carrier</th><th scope="col">Status</th><th scope="col">Group id at the carrier</th><th scope="col">Last change</th></tr>
                </thead>
                <tbody>
                  {group.connections.map((connection) => (
                    <tr key={connection.id}>
                      <td>{connection.carrier?.displayName ?? '—'}</td>
                      <td><Status value={connection.status} /></td>
                      <td>{connection.carrierGroupId ?? <span className="muted">—</span>}</td>
                      <td><DateText value={connection.modified} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>No connections.</Empty>}
          </section>
          <section aria-labelledby="snapshots-title">
            <h2 id="snapshots-title">Member snapshots</h2>
            {group.memberSnapshots.edges.length ? (
              <table>
                <thead>
                  <tr><th scope="col">Member</th><th scope="col">Status</th><th scope="col">Sent</th></tr>
                </thead>
                <tbody>
                  {group.memberSnapshots.edges.map(({ node }) => (
                    <tr key={node.id}>
                      <td><Link to={`/console/snapshots/${node.id}`}><PersonName person={node.employee?.person} /></Link></td>
                      <td><Status value={node.status} /></td>
                      <td><DateText value={node.created} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>No member snapshots for this group.</Empty>}
          </section>
        </>
      ) : null}
    </>
  );
}
