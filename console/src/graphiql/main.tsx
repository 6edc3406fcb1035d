/**
 * GraphiQL for noyo-gateway, served from the gateway's own origin with every asset bundled:
 * queries and mutations over HTTP POST to /graphql, subscriptions over graphql-ws on the same path.
 */
import './csp-nonce';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { EXAMPLES } from './examples';
import { repairAccessibility } from './a11y';

const httpUrl = new URL('/graphql', window.location.href).toString();
const wsUrl = httpUrl.replace(/^http/, 'ws');

const fetcher = createGraphiQLFetcher({
  url: httpUrl,
  wsClient: createClient({ url: wsUrl, lazy: true, retryAttempts: 0 }),
});

const defaultTabs = EXAMPLES.map((example) => ({
  query: example.query,
  variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
}));

const root = document.getElementById('graphiql')!;
repairAccessibility(root);
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={defaultTabs}
      initialQuery={defaultTabs[0].query}
      initialVariables={defaultTabs[0].variables}
      defaultEditorToolsVisibility="variables"
    >
      <GraphiQL.Logo>
        <a className="graphiql-logo-link" href="/console">noyo-gateway</a>
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
