/** One disconnection request and the decisions it allows: confirm, reject, edit and resubmit. */
import { useId, useState, type FormEvent } from 'react';
import {
  ConfirmDisconnectionDocument, DisconnectionRequestDocument, RejectDisconnectionDocument,
  ResubmitDisconnectionDocument, type DisconnectionRejectionReason, type RequestRowFragment,
} from '../../gql/graphql';
import { payloadErrors, type ApiError, type ApiResult } from '../api';
import { DateText, ErrorList, Freshness, Loading, PageTitle, Status } from '../components';
import { useMutation, useQuery } from '../hooks';
import { Link } from '../router';

const REASONS: { value: DisconnectionRejectionReason; label: string }[] = [
  { value: 'CONNECTION_RESTORED', label: 'Connection restored' },
  { value: 'ELIGIBILITY_RESTORED', label: 'Eligibility restored' },
  { value: 'PAYMENT_REINSTATED', label: 'Payment reinstated' },
  { value: 'OTHER', label: 'Other' },
];

type Payload = { disconnectionRequest?: RequestRowFragment | null; errors: Parameters<typeof payloadErrors>[0] } | undefined;

/** A mutation's errors, from the transport or the payload, in one list. */
function outcomeErrors(result: ApiResult<unknown> | null, payload: Payload): ApiError[] {
  if (!result) return [];
  return [...result.errors, ...payloadErrors(payload?.errors ?? [], result.requestId)];
}

function Done({ children }: { children: string }) {
  return <p className="success" role="status">{children}</p>;
}

function ConfirmForm({ request, onDone }: { request: RequestRowFragment; onDone: () => void }) {
  const id = useId();
  const [endDate, setEndDate] = useState(request.effectiveEndDate ?? '');
  const mutation = useMutation(ConfirmDisconnectionDocument);
  const payload = mutation.result?.data?.confirmDisconnectionRequest;
  const errors = outcomeErrors(mutation.result, payload);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await mutation.run({ id: request.id, effectiveEndDate: endDate || null });
    if (answer.data?.confirmDisconnectionRequest.disconnectionRequest) onDone();
  };
  return (
    <form className="decision" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Confirm the disconnection</h2>
      <p>The group stops exchanging data with {request.carrier?.displayName ?? 'the carrier'} after the end date.</p>
      <div className="field">
        <label htmlFor={`${id}-end`}>End date</label>
        <input id={`${id}-end`} type="date" required value={endDate} onChange={(event) => setEndDate(event.target.value)} />
      </div>
      <button type="submit" disabled={mutation.running} aria-busy={mutation.running}>
        {mutation.running ? 'Confirming…' : 'Confirm disconnection'}
      </button>
      <ErrorList errors={errors} title="The request was not confirmed." />
      {payload?.disconnectionRequest ? <Done>{`Confirmed: the request is now ${(payload.disconnectionRequest.status ?? 'UNKNOWN').toLowerCase()}.`}</Done> : null}
    </form>
  );
}

function RejectForm({ request, onDone }: { request: RequestRowFragment; onDone: () => void }) {
  const id = useId();
  const [reason, setReason] = useState<DisconnectionRejectionReason>('CONNECTION_RESTORED');
  const [context, setContext] = useState('');
  const mutation = useMutation(RejectDisconnectionDocument);
  const payload = mutation.result?.data?.rejectDisconnectionRequest;
  const errors = outcomeErrors(mutation.result, payload);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await mutation.run({ id: request.id, reason, context: context.trim() || null });
    if (answer.data?.rejectDisconnectionRequest.disconnectionRequest) onDone();
  };
  return (
    <form className="decision" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Reject the request</h2>
      <p>The group stays connected with {request.carrier?.displayName ?? 'the carrier'}.</p>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <select id={`${id}-reason`} value={reason} onChange={(event) => setReason(event.target.value as DisconnectionRejectionReason)}>
          {REASONS.map((option) => (
            <option key={option.value} value={option.value}>{option.label}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-context`}>Context</label>
        <textarea id={`${id}-context`} rows={3} value={context} onChange={(event) => setContext(event.target.value)}
          aria-describedby={`${id}-context-hint`} />
        <span id={`${id}-context-hint`} className="hint">What happened, for the carrier and Noyo. No personal data.</span>
      </div>
      <button type="submit" className="danger" disabled={mutation.running} aria-busy={mutation.running}>
        {mutation.running ? 'Rejecting…' : 'Reject request'}
      </button>
      <ErrorList errors={errors} title="The request was not rejected." />
    </form>
  );
}

/**
 * Edit a rejected request and send it back for processing. The edit is made against the version
 * shown when the form opened: if the request changed since, the gateway answers CONFLICT and the
 * form says so, with the version it now has.
 */
function ResubmitForm({ request, onDone }: { request: RequestRowFragment; onDone: () => void }) {
  const id = useId();
  const [baseVersion, setBaseVersion] = useState(request.version);
  const [endDate, setEndDate] = useState(request.effectiveEndDate ?? '');
  const [context, setContext] = useState('');
  const mutation = useMutation(ResubmitDisconnectionDocument);
  const payload = mutation.result?.data?.editDisconnectionRequest;
  const errors = outcomeErrors(mutation.result, payload);
  const conflict = errors.find((error) => error.code === 'CONFLICT');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await mutation.run({ id: request.id, version: baseVersion, effectiveEndDate: endDate || null, context: context.trim() || null });
    if (answer.data?.editDisconnectionRequest.disconnectionRequest) onDone();
  };
  const startOver = () => {
    setBaseVersion(conflict?.currentVersion ?? request.version);
    mutation.reset();
    onDone();
  };
  return (
    <form className="decision" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Edit and resubmit</h2>
      <p>Correct the request and send it back to processing. You are editing version <code>{baseVersion}</code>.</p>
      <div className="field">
        <label htmlFor={`${id}-end`}>End date</label>
        <input id={`${id}-end`} type="date" required value={endDate} onChange={(event) => setEndDate(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-context`}>Context</label>
        <textarea id={`${id}-context`} rows={2} value={context} onChange={(event) => setContext(event.target.value)} />
      </div>
      <button type="submit" disabled={mutation.running} aria-busy={mutation.running}>
        {mutation.running ? 'Resubmitting…' : 'Resubmit request'}
      </button>
      {conflict ? (
        <div className="conflict" role="alert">
          <h3>Someone changed this request after you opened it</h3>
          <p>
            You edited version <code>{baseVersion}</code>; the request is now at version{' '}
            <code className="current-version">{conflict.currentVersion ?? 'unknown'}</code>. Nothing was changed.
            Review the request as it is now, then resubmit.
          </p>
          <button type="button" className="secondary" onClick={startOver}>Load the current version</button>
        </div>
      ) : null}
      <ErrorList errors={errors} title="The request was not resubmitted." />
    </form>
  );
}

export function RequestPage({ id }: { id: string }) {
  const query = useQuery(DisconnectionRequestDocument, { id });
  const request = query.data?.disconnectionRequest;
  return (
    <>
      <p className="breadcrumbs"><Link to="/console">Review queue</Link></p>
      <PageTitle>Disconnection request</PageTitle>
      <Freshness updatedAt={query.updatedAt} refreshing={query.refreshing} refresh={query.refresh} live="refreshed after each decision" />
      <ErrorList errors={query.errors} title="The request could not be loaded." />
      {query.loading ? <Loading what="the request" /> : null}
      {!query.loading && !request && !query.errors.length ? <p role="alert">There is no request with this id.</p> : null}
      {request ? (
        <>
          <dl className="facts">
            <dt>Status</dt><dd><Status value={request.status} /></dd>
            <dt>Group</dt>
            <dd>{request.groupId ? <Link to={`/console/groups/${request.groupId}`}>{request.groupName ?? request.groupId}</Link> : request.groupName ?? '—'}</dd>
            <dt>Carrier</dt><dd>{request.carrier?.displayName ?? '—'}</dd>
            <dt>Source</dt><dd>{(request.sourceType ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ')}</dd>
            <dt>End date</dt><dd><DateText value={request.effectiveEndDate} /></dd>
            <dt>Received</dt><dd><DateText value={request.created} /></dd>
            <dt>Last change</dt><dd><DateText value={request.modified} /></dd>
            <dt>Decided</dt><dd><DateText value={request.decided} /></dd>
            <dt>Version</dt><dd><code className="version">{request.version}</code></dd>
          </dl>
          <div className="decisions">
            {request.status === 'NEEDS_REVIEW' ? (
              <>
                <ConfirmForm key={`confirm-${request.version}`} request={request} onDone={query.refresh} />
                <RejectForm key={`reject-${request.version}`} request={request} onDone={query.refresh} />
              </>
            ) : null}
            {request.status === 'REJECTED' ? <ResubmitForm key={`edit-${request.id}`} request={request} onDone={query.refresh} /> : null}
            {request.status === 'PROCESSING' ? <p className="note">Confirmed and processing: the group is disconnected on the end date.</p> : null}
            {request.status === 'COMPLETED' ? <p className="note">Completed: the group is disconnected from this carrier.</p> : null}
          </div>
        </>
      ) : null}
    </>
  );
}
