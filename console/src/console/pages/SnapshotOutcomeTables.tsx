/**
 * A member snapshot's outcome as tables: the active coverages it left out and what Noyo did with
 * each, and Noyo's warnings and fulfillment errors, typed (what, carrier, line, member) beside
 * Noyo's own text.
 */
import type { SnapshotMessageFieldsFragment, SnapshotOutcomeQuery } from '../../gql/graphql';
import { DateText, Empty, PersonName } from '../components';

type Snapshot = NonNullable<SnapshotOutcomeQuery['memberSnapshot']>;
type Omitted = Snapshot['omittedCoverages'][number];

const OUTCOMES: Record<Omitted['outcome'], string> = {
  CANCELED_WITH_SNAPSHOT: 'Canceled: Noyo canceled the whole snapshot',
  CANCELED_FOR_CARRIER: "Canceled: Noyo canceled this carrier's changes",
  TERMINATED: 'Terminated',
  CONTINUED: 'Kept as it is',
};

const CODES: Record<SnapshotMessageFieldsFragment['code'], string> = {
  MISSING_ACTIVE_COVERAGE: 'Active coverage left out',
  OMITTED_COVERAGE_CONTINUED: 'Left-out coverage kept',
  CARRIER_NOT_CONNECTED: 'Carrier not connected',
  UNKNOWN: 'Other',
};

/** `LONG_TERM_DISABILITY` -> `Long term disability`; a dash when absent. */
function words(value: string | null | undefined): string {
  if (!value) return '—';
  const text = value.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Carrier({ entry }: { entry: { carrierId?: string | null; carrier?: { displayName: string } | null } }) {
  return <>{entry.carrier?.displayName ?? entry.carrierId ?? '—'}</>;
}

/** The member a coverage or message names: the employee by name (when the phi scope allows), else its kind and id. */
function Member({ snapshot, individualId, individualType }: {
  snapshot: Snapshot; individualId: string | null | undefined; individualType: string | null | undefined;
}) {
  if (!individualId) return <span className="muted">—</span>;
  if (snapshot.employee && individualId === snapshot.employee.noyoId) {
    return <>Employee: <PersonName person={snapshot.employee.person} /></>;
  }
  return <>{words(individualType ?? 'member')} <code className="id">{individualId}</code></>;
}

export function OmittedCoverages({ snapshot }: { snapshot: Snapshot }) {
  if (!snapshot.omittedCoverages.length) return <Empty>The snapshot left no active coverage out.</Empty>;
  return (
    <table className="omitted-coverages">
      <caption>Active coverages the snapshot left out, and what Noyo does with each</caption>
      <thead>
        <tr>
          <th scope="col">Carrier</th><th scope="col">Line of coverage</th><th scope="col">Member</th>
          <th scope="col">What happens</th><th scope="col">End date</th><th scope="col">Noyo's text</th>
        </tr>
      </thead>
      <tbody>
        {snapshot.omittedCoverages.map((entry) => (
          <tr key={`${entry.carrierId} ${entry.lineOfCoverage} ${entry.individualId}`} data-outcome={entry.outcome}>
            <td><Carrier entry={entry} /></td>
            <td>{words(entry.lineOfCoverage)}</td>
            <td><Member snapshot={snapshot} individualId={entry.individualId} individualType={entry.individualType} /></td>
            <td>{OUTCOMES[entry.outcome] ?? words(entry.outcome)}</td>
            <td>{entry.outcome === 'CONTINUED' ? <span className="muted">None (kept)</span> : <DateText value={entry.effectiveEndDate} />}</td>
            <td>{entry.message ?? <span className="muted">None</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Noyo's warnings on the snapshot and each carrier's fulfillment errors, one row per coverage a text names. */
export function Messages({ snapshot }: { snapshot: Snapshot }) {
  const rows: Array<{ kind: string; entry: SnapshotMessageFieldsFragment }> = [
    ...snapshot.warningDetails.map((entry) => ({ kind: 'Warning', entry })),
    ...snapshot.fulfillment.flatMap((carrier) =>
      carrier.errorDetails.map((entry) => ({ kind: 'Fulfillment error', entry: { ...entry, carrier: entry.carrier ?? carrier.carrier } }))),
  ];
  if (!rows.length) return <Empty>Noyo raised no warning and no fulfillment error.</Empty>;
  return (
    <table className="snapshot-messages">
      <caption>Noyo's warnings and fulfillment errors</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th><th scope="col">About</th><th scope="col">Carrier</th>
          <th scope="col">Line of coverage</th><th scope="col">Member</th><th scope="col">Noyo's text</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ kind, entry }, index) => (
          <tr key={index} data-code={entry.code}>
            <td>{kind}</td>
            <td>{CODES[entry.code] ?? words(entry.code)}</td>
            <td><Carrier entry={entry} /></td>
            <td>{words(entry.lineOfCoverage)}</td>
            <td><Member snapshot={snapshot} individualId={entry.individualId} individualType={entry.individualType} /></td>
            <td>{entry.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
