/**
 * GraphiQL's fetcher: queries and mutations over HTTP POST to /graphql with the Headers tab's
 * headers, subscriptions over graphql-ws on the same path with those headers as the
 * `connection_init` payload (a browser cannot set headers on a WebSocket, so the gateway reads
 * `authorization` / `x-api-key` there, spelled like the HTTP headers).
 *
 * One lazy WebSocket client per distinct set of headers: a lazy client holds no socket while
 * none of its subscriptions runs, and a changed header gives a new connection (credentials are
 * checked once per connection, at `connection_init`). Queries and mutations go through the
 * toolkit's HTTP fetcher, which sends each call's headers.
 *
 * HTTP or WebSocket is decided from the document being sent (see `asSent`), never from the
 * document GraphiQL last parsed, which can be the previous tab's.
 */
import {
  createGraphiQLFetcher,
  getSelectedOperationName,
  type Fetcher,
  type FetcherOpts,
  type FetcherParams,
} from '@graphiql/toolkit';
import { Kind, parse, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

/** An error as GraphiQL's result pane shows it, in the shape of a GraphQL error. */
export interface ExplainedError {
  message: string;
  extensions: { code: string; closeCode?: number };
}

const HEADERS_HINT =
  'Set "Authorization": "Bearer <jwt>", "Authorization": "ApiKey <key>" or "X-API-Key": "<key>" ' +
  'in the Headers tab, then run the subscription again.';

function isCloseEvent(error: unknown): error is { code: number; reason: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' &&
    typeof (error as { reason?: unknown }).reason === 'string';
}

/**
 * What a failed subscription means, in words: the gateway closes the socket with 4403 when
 * `connection_init` carries missing (anonymous access off), unknown or malformed credentials,
 * and with 4401 when a bearer token expires. GraphQL errors (already words) pass through.
 */
export function explain(error: unknown): unknown {
  if (Array.isArray(error)) return error;
  if (isCloseEvent(error)) {
    const closed = `${error.code}${error.reason ? ` ${error.reason}` : ''}`;
    if (error.code === 4403) {
      return {
        message: `The gateway refused the subscription's credentials (WebSocket closed: ${closed}). ` +
          `They are missing or not valid. ${HEADERS_HINT}`,
        extensions: { code: 'UNAUTHENTICATED', closeCode: error.code },
      } satisfies ExplainedError;
    }
    if (error.code === 4401) {
      return {
        message: `The subscription ended because its credentials expired (WebSocket closed: ${closed}). ${HEADERS_HINT}`,
        extensions: { code: 'UNAUTHENTICATED', closeCode: error.code },
      } satisfies ExplainedError;
    }
    return {
      message: `The subscription's WebSocket to the gateway closed (${closed}).`,
      extensions: { code: 'WEBSOCKET_CLOSED', closeCode: error.code },
    } satisfies ExplainedError;
  }
  if (error instanceof Error) return error;
  return {
    message: 'The subscription could not open its WebSocket to the gateway.',
    extensions: { code: 'WEBSOCKET_FAILED' },
  } satisfies ExplainedError;
}

/** The Headers tab's headers as a `connection_init` payload: header names lower-cased, as HTTP sees them. */
export function connectionParams(headers: FetcherOpts['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * The operation as sent: GraphiQL passes the editor's text as it is now, but the document and
 * operation name it parsed from that text after a 100 ms debounce, so a run right after a tab
 * switch (or an edit) carries the previous tab's: a subscription would go over HTTP, named as the
 * query before it. The text is parsed here; the operation name is kept when the text defines it,
 * else the text's first operation is sent. Text that does not parse goes over HTTP as it is, so
 * the gateway answers with the syntax error.
 */
export function asSent(params: FetcherParams, opts?: FetcherOpts): [FetcherParams, FetcherOpts] {
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return [params, { ...opts, documentAST: undefined }];
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operationName = getSelectedOperationName(undefined, params.operationName ?? undefined, operations);
  return [{ ...params, operationName: operationName ?? null }, { ...opts, documentAST: document }];
}

/** Whether the operation sent (`operationName`, or the document's only unnamed one) is a subscription. */
function isSubscription(document: DocumentNode, operationName: string | null | undefined): boolean {
  return document.definitions.some(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription' &&
      (definition.name?.value ?? null) === (operationName ?? null),
  );
}

/**
 * A subscription's results as GraphiQL iterates them, ending with an `explain`ed error when it
 * fails. This is graphql-ws's own iterator, whose failure is the rejection of the `next()` GraphiQL
 * awaits (the toolkit's sink-based one also rejects a promise nobody awaits, which the page reports
 * as an unhandled rejection), and whose `return()`, when the run is stopped, completes the
 * subscription on the socket at once (an async generator around it would wait for the next event).
 */
function subscription(client: Client, params: FetcherParams): AsyncIterableIterator<ExecutionResult> {
  // a formatted result (errors as JSON, as the gateway sent them) is what GraphiQL shows
  const results = client.iterate({
    query: params.query,
    operationName: params.operationName ?? undefined,
    variables: params.variables ?? undefined,
  }) as AsyncIterableIterator<ExecutionResult>;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => results.next().catch((error: unknown) => Promise.reject(explain(error))),
    return: (value?: unknown) => results.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** The fetcher GraphiQL runs every operation through; `httpUrl` is the gateway's /graphql. */
export function createFetcher(httpUrl: string): Fetcher {
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const http = createGraphiQLFetcher({ url: httpUrl });
  const byHeaders = new Map<string, Client>();
  return (given, givenOpts) => {
    const [params, opts] = asSent(given, givenOpts);
    if (!opts.documentAST || !isSubscription(opts.documentAST, params.operationName)) return http(params, opts);
    const headers = opts.headers ?? {};
    const key = JSON.stringify(headers);
    let client = byHeaders.get(key);
    if (!client) {
      client = createClient({ url: wsUrl, lazy: true, retryAttempts: 0, connectionParams: connectionParams(headers) });
      byHeaders.set(key, client);
    }
    return subscription(client, params);
  };
}
