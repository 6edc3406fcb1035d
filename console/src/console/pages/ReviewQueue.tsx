/** The review queue: requests waiting for a decision, filtered by group, carrier and source. */
import { useId, useState } from 'react';
import {
  CarriersDocument, GroupSearchDocument, ReviewQueueDocument, type DisconnectionSourceType,
} from '../../gql/graphql';
import { DateText, Empty, ErrorList, Freshness, Loading, PageTitle, Status } from '../components';
import { useQuery } from '../hooks';
import { Link, navigate, type Location } from '../router';
import { liveText, useLiveQuery } from '../live';

const PAGE_SIZE = 20;
const SOURCES: DisconnectionSourceType[] = ['CARRIER', 'PLATFORM', 'GROUP_AUDIT_REQUEST', 'GROUP_SETUP_REQUEST', 'MEMBER_TRANSACTION'];

function withParam(params: URLSearchParams, name: string, value: string): string {
  const next = new URLSearchParams(params);
  if (value) next.set(name, value);
  else next.delete(name);
  next.delete('after');
  const query = next.toString();
  return `/console${query ? `?${query}` : ''}`;
}

function GroupFilter({ location }: { location: Location }) {
  const id = useId();
  const selected = location.params.get('group') ?? '';
  const [search, setSearch] = useState('');
  const found = useQuery(GroupSearchDocument, search.trim().length >= 2 ? { search: search.trim() } : null);
  const options = found.data?.groups.edges.map((edge) => edge.node) ?? [];
  return (
    <div className="field">
      <label htmlFor={`${id}-search`}>Find a group</label>
      <input
        id={`${id}-search`}
        type="search"
        value={search}
        placeholder="At least two letters of its name"
        onChange={(event) => setSearch(event.target.value)}
      />
      <label htmlFor={`${id}-group`}>Group</label>
      <select
        id={`${id}-group`}
        value={selected}
        onChange={(event) => navigate(withParam(location.params, 'group', event.target.value))}
      >
        <option value="">All groups</option>
        {selected && !options.some((group) => group.id === selected) ? (
          <option value={selected}>{location.params.get('groupName') ?? selected}</option>
        ) : null}
        {options.map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </select>
      {found.loading ? <span className="hint" role="status">Searching…</span> : null}
      <ErrorList errors={found.errors} />
    </div>
  );
}

export function ReviewQueuePage({ location }: { location: Location }) {
  const id = useId();
  const params = location.params;
  const carriers = useQuery(CarriersDocument, {});
  const variables = {
    groupId: params.get('group') || null,
    carrierId: params.get('carrier') || null,
    sourceType: (params.get('source') || null) as DisconnectionSourceType | null,
    first: PAGE_SIZE,
    after: params.get('after') || null,
  };
  const queue = useLiveQuery(ReviewQueueDocument, variables, null);
  const page = queue.data?.reviewQueue;

  return (
    <>
      <PageTitle>Review queue</PageTitle>
      <p className="lede">Disconnection requests waiting for your decision. Open one to confirm or reject it.</p>
      <form className="filters" aria-label="Filter the review queue" onSubmit={(event) => event.preventDefault()}>
        <GroupFilter location={location} />
        <div className="field">
          <label htmlFor={`${id}-carrier`}>Carrier</label>
          <select
            id={`${id}-carrier`}
            value={params.get('carrier') ?? ''}
            onChange={(event) => navigate(withParam(params, 'carrier', event.target.value))}
          >
            <option value="">All carriers</option>
            {carriers.data?.carriers.map((carrier) => (
              <option key={carrier.id} value={carrier.id}>
                {carrier.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>Source</label>
          <select
            id={`${id}-source`}
            value={params.get('source') ?? ''}
            onChange={(event) => navigate(withParam(params, 'source', event.target.value))}
          >
            <option value="">All sources</option>
            {SOURCES.map((source) => (
              <option key={source} value={source}>
                {source.toLowerCase().replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorList errors={carriers.errors} title="The carriers could not be loaded." />
      <Freshness updatedAt={queue.updatedAt} refreshing={queue.refreshing} refresh={queue.refresh} live={liveText(queue.mode)} />
      <ErrorList errors={queue.errors} title="The review queue could not be loaded." />
      {queue.loading ? <Loading what="the review queue" /> : null}
      {page ? (
        <>
          <p className="count" aria-live="polite">
            {page.totalCount} request{page.totalCount === 1 ? '' : 's'} waiting
          </p>
          {page.edges.length ? (
            <table className="queue">
              <caption className="visually-hidden">Requests waiting for review</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Carrier</th>
                  <th scope="col">Source</th>
                  <th scope="col">End date</th>
                  <th scope="col">Received</th>
                  <th scope="col">Status</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {page.edges.map(({ node }) => (
                  <tr key={node.id} data-request-id={node.id}>
                    <td>
                      {node.groupId ? <Link to={`/console/groups/${node.groupId}`}>{node.groupName ?? node.groupId}</Link> : node.groupName}
                    </td>
                    <td>{node.carrier?.displayName ?? '—'}</td>
                    <td>{(node.sourceType ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ')}</td>
                    <td><DateText value={node.effectiveEndDate} /></td>
                    <td><DateText value={node.created} /></td>
                    <td><Status value={node.status} /></td>
                    <td>
                      <Link className="button" to={`/console/requests/${node.id}`} aria-label={`Review the request for ${node.groupName ?? 'this group'} at ${node.carrier?.displayName ?? 'this carrier'}`}>
                        Review
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>Nothing waiting for review with these filters.</Empty>
          )}
          <nav className="pager" aria-label="Review queue pages">
            {params.get('after') ? <Link to={withParam(params, 'after', '')}>First page</Link> : null}
            {page.pageInfo.hasNextPage && page.pageInfo.endCursor ? (
              <Link to={`/console?${new URLSearchParams({ ...Object.fromEntries(params), after: page.pageInfo.endCursor })}`}>Next page</Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
