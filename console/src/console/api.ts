/**
 * The console's only way to the gateway: persisted documents (by sha256, never query text) over
 * POST /graphql. Every failure comes back as `ApiError`s with a code and the request id.
 */
import type { TypedDocumentString } from '../gql/graphql';
import { authHeaders } from './auth';

export interface ApiError {
  message: string;
  code: string;
  requestId: string | null;
  field?: readonly string[] | null;
  currentVersion?: string | null;
}

export interface ApiResult<T> {
  data: T | null;
  errors: ApiError[];
  requestId: string | null;
}

interface WireError {
  message?: string;
  extensions?: { code?: string; requestId?: string };
}

function httpCode(status: number): string {
  return status === 0 ? 'NETWORK_ERROR' : `HTTP_${status}`;
}

export async function execute<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  signal?: AbortSignal,
): Promise<ApiResult<R>> {
  const documentId = document.__meta__?.hash as string | undefined;
  if (!documentId) throw new Error('The console sends persisted documents only.');
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
        ...authHeaders(),
      },
      body: JSON.stringify({ documentId, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    const message = 'The gateway could not be reached. Check your connection and try again.';
    return { data: null, errors: [{ message, code: httpCode(0), requestId: null }], requestId: null };
  }
  const requestId = response.headers.get('x-request-id');
  let body: { data?: R | null; errors?: WireError[] } = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  const errors: ApiError[] = (body.errors ?? []).map((error) => ({
    message: error.message ?? 'The gateway reported an error without a message.',
    code: error.extensions?.code ?? httpCode(response.status),
    requestId: error.extensions?.requestId ?? requestId,
  }));
  if (!response.ok && errors.length === 0) {
    errors.push({ message: `The gateway answered HTTP ${response.status}.`, code: httpCode(response.status), requestId });
  }
  return { data: body.data ?? null, errors, requestId };
}

/** Payload errors of a mutation (`errors { code message field currentVersion }`) as ApiErrors. */
export function payloadErrors(
  errors: readonly { code: string; message: string; field?: readonly string[] | null; currentVersion?: string | null }[],
  requestId: string | null,
): ApiError[] {
  return errors.map((error) => ({ ...error, requestId }));
}
