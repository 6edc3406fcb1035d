/** Data hooks: a query with loading, refresh and live states; a mutation with progress. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { execute, type ApiError, type ApiResult } from './api';
import { onCredentialChange } from './auth';

export interface QueryState<R> {
  data: R | null;
  errors: ApiError[];
  /** No answer yet for these variables. */
  loading: boolean;
  /** A refresh is running while the last answer stays on screen. */
  refreshing: boolean;
  updatedAt: Date | null;
  refresh: () => void;
}

/**
 * Runs `operation` with `variables` (skipped while `variables` is null) and again every
 * `refreshMs` while the page is visible: the console's live view where the gateway has no
 * subscription for the data.
 */
export function useQuery<R, V>(
  operation: TypedDocumentString<R, V>,
  variables: V | null,
  options: { refreshMs?: number } = {},
): QueryState<R> {
  const key = variables === null ? null : JSON.stringify(variables);
  const [state, setState] = useState<Omit<QueryState<R>, 'refresh'>>({
    data: null, errors: [], loading: key !== null, refreshing: false, updatedAt: null,
  });
  const [tick, setTick] = useState(0);
  const shownKey = useRef<string | null>(null);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => onCredentialChange(refresh), [refresh]);

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    const fresh = shownKey.current !== key;
    setState((previous) => (fresh
      ? { data: null, errors: [], loading: true, refreshing: false, updatedAt: null }
      : { ...previous, refreshing: true }));
    execute(operation, JSON.parse(key) as V, controller.signal).then(
      (result: ApiResult<R>) => {
        shownKey.current = key;
        setState({ data: result.data, errors: result.errors, loading: false, refreshing: false, updatedAt: new Date() });
      },
      () => undefined, // aborted: a newer run owns the state
    );
    return () => controller.abort();
  }, [operation, key, tick]);

  useEffect(() => {
    if (!options.refreshMs || key === null) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') refresh();
    }, options.refreshMs);
    return () => window.clearInterval(timer);
  }, [options.refreshMs, key, refresh]);

  return { ...state, refresh };
}

export interface MutationState<R> {
  running: boolean;
  result: ApiResult<R> | null;
  run: (variables: unknown) => Promise<ApiResult<R>>;
  reset: () => void;
}

export function useMutation<R, V>(operation: TypedDocumentString<R, V>): MutationState<R> {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ApiResult<R> | null>(null);
  const run = useCallback(
    async (variables: unknown) => {
      setRunning(true);
      setResult(null);
      try {
        const answer = await execute(operation, variables as V);
        setResult(answer);
        return answer;
      } finally {
        setRunning(false);
      }
    },
    [operation],
  );
  return { running, result, run, reset: () => setResult(null) };
}
