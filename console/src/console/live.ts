/**
 * How pages stay current. Live updates: the gateway's GraphQL subscriptions (graphql-transport-ws on /graphql), sent as
 * persisted documents like every other operation. A page subscribes to the events that change
 * what it shows and refreshes its query on each; while no subscription is open it polls instead
 * (and on demand with each page's Refresh).
 */
import { useEffect, useRef, useState } from 'react';
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../gql/graphql';
import { authHeaders, onCredentialChange } from './auth';
import { useQuery, type QueryState } from './hooks';

/** The poll interval while no subscription is open (`?refreshMs=` overrides it, e.g. in tests). */
export const LIVE_REFRESH_MS = Number(new URLSearchParams(window.location.search).get('refreshMs')) || 5000;

let client: Client | null = null;

function connectionParams(): Record<string, string> {
  return Object.fromEntries(Object.entries(authHeaders()).map(([name, value]) => [name.toLowerCase(), value]));
}

function socket(): Client {
  if (!client) {
    const url = new URL('/graphql', window.location.href).toString().replace(/^http/, 'ws');
    client = createClient({ url, lazy: true, retryAttempts: 3, connectionParams });
  }
  return client;
}

onCredentialChange(() => {
  // a new sign-in: reconnect with the new credentials
  client?.dispose();
  client = null;
});

/** `live`: a subscription is open; `polling`: none (not yet, refused, or the socket failed). */
export type LiveMode = 'live' | 'polling';

/** While a subscription is open, a slow poll still catches anything an event missed. */
export const BACKSTOP_MS = 60_000;

export interface LiveSource<S, W> {
  subscription: TypedDocumentString<S, W>;
  variables: W;
  /** Which events concern the page (default: all). */
  accept?: (data: S) => boolean;
}

/**
 * `useQuery` kept current by a subscription: every accepted event refreshes the query; while
 * no subscription is open the query polls every `LIVE_REFRESH_MS` instead.
 */
export function useLiveQuery<R, V, S, W>(
  operation: TypedDocumentString<R, V>,
  variables: V | null,
  live: LiveSource<S, W> | null,
): QueryState<R> & { mode: LiveMode } {
  const [mode, setMode] = useState<LiveMode>('polling');
  const query = useQuery(operation, variables, { refreshMs: mode === 'live' ? BACKSTOP_MS : LIVE_REFRESH_MS });
  const handlers = useRef({ refresh: query.refresh, accept: live?.accept });
  handlers.current = { refresh: query.refresh, accept: live?.accept };
  const key = live === null || variables === null ? null : JSON.stringify(live.variables);
  const subscription = live?.subscription;

  useEffect(() => {
    if (key === null || !subscription) return;
    const sha256Hash = subscription.__meta__?.hash as string;
    let open = true;
    const stop = socket().subscribe<S>(
      // the query text stays on the server: the document goes by its hash only
      { query: undefined as unknown as string, variables: JSON.parse(key), extensions: { persistedQuery: { version: 1, sha256Hash } } },
      {
        next: (message) => {
          if (!open) return;
          setMode('live');
          const accept = handlers.current.accept;
          if (message.data && (!accept || accept(message.data))) handlers.current.refresh();
        },
        error: () => open && setMode('polling'),
        complete: () => open && setMode('polling'),
      },
    );
    const stopListening = socket().on('connected', () => open && setMode('live'));
    return () => {
      open = false;
      stopListening();
      stop();
      setMode('polling');
    };
  }, [subscription, key]);

  return { ...query, mode };
}

export function liveText(mode: LiveMode): string {
  return mode === 'live'
    ? 'live: the gateway pushes changes'
    : `refreshing every ${Math.round(LIVE_REFRESH_MS / 1000)} s`;
}
