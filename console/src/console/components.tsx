/** Shared pieces of every console page: titles, errors, progress, statuses, dates, people. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiError } from './api';
import { inWords } from './errors';

/** The page's heading; focused when the page opens so keyboard and screen reader users land on it. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function ErrorList({ errors, title }: { errors: ApiError[]; title?: string }) {
  if (!errors.length) return null;
  return (
    <div className="errors" role="alert">
      {title ? <p className="errors-title">{title}</p> : null}
      {errors.map((error, index) => (
        <div className="error" key={index} data-code={error.code}>
          <p className="error-words">{inWords(error.code)}</p>
          <p className="error-message">{error.message}</p>
          <p className="error-meta">
            Code <code>{error.code}</code>
            {error.field?.length ? (
              <>
                {' '}· field <code>{error.field.join('.')}</code>
              </>
            ) : null}
            {' '}· request id <code className="request-id">{error.requestId ?? 'none (no answer)'}</code>
          </p>
        </div>
      ))}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/** When the data on screen was fetched, how it stays current, and a way to refresh it now. */
export function Freshness({ updatedAt, refreshing, refresh, live }: {
  updatedAt: Date | null; refreshing: boolean; refresh: () => void; live: string;
}) {
  return (
    <div className="freshness">
      <span>
        {updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : 'Not loaded yet'} · {live}
      </span>
      <button type="button" className="secondary" onClick={refresh} disabled={refreshing} aria-busy={refreshing}>
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </button>
    </div>
  );
}

export function Status({ value }: { value: string | null | undefined }) {
  const text = (value ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ');
  return <span className={`status status-${(value ?? 'unknown').toLowerCase()}`}>{text}</span>;
}

export function DateText({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{value.length > 10 ? new Date(value).toLocaleString() : value}</time>;
}

/** A member's name, or why it is not shown: the gateway sends none without the `phi` scope. */
export function PersonName({ person }: { person: { firstName: string; lastName: string } | null | undefined }) {
  if (!person) {
    return (
      <span className="muted phi-hidden" title="Personal data needs the phi scope">
        Hidden (needs the phi scope)
      </span>
    );
  }
  return (
    <span className="phi">
      {person.firstName} {person.lastName}
    </span>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
