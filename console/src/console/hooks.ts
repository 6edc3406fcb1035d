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

/** A random UUID (v4), also outside secure contexts where `crypto.randomUUID` is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Transport failures after which the outcome is unknown: a retry must reuse the same key. */
function inDoubt(result: ApiResult<unknown>): boolean {
  return result.errors.some((error) => error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT' || error.code.startsWith('HTTP_5')
    || error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'IDEMPOTENCY_KEY_IN_USE');
}

export interface MutationState<R> {
  running: boolean;
  result: ApiResult<R> | null;
  run: (variables: unknown) => Promise<ApiResult<R>>;
  reset: () => void;
}

/**
 * Runs a mutation with an idempotency key: the same input sent again after an answer that left
 * the outcome in doubt (network failure, timeout, 5xx) reuses the key, so Noyo sees it once;
 * any other answer ends the attempt, and the next send is a new one.
 */
export function useMutation<R, V>(operation: TypedDocumentString<R, V>): MutationState<R> {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ApiResult<R> | null>(null);
  const attempt = useRef<{ input: string; key: string } | null>(null);
  const run = useCallback(
    async (variables: unknown) => {
      setRunning(true);
      setResult(null);
      const input = JSON.stringify(variables);
      if (attempt.current?.input !== input) attempt.current = { input, key: newIdempotencyKey() };
      try {
        const answer = await execute(operation, { ...(variables as object), idempotencyKey: attempt.current.key } as V);
        if (!inDoubt(answer)) attempt.current = null;
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
