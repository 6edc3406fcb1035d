/**
 * GraphiQL for noyo-gateway, served from the gateway's own origin with every asset bundled:
 * queries and mutations over HTTP POST to /graphql, subscriptions over graphql-ws on the same path,
 * both with the credentials typed in the Headers tab (see fetcher.ts).
 */
import './csp-nonce';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { EXAMPLES } from './examples';
import { repairAccessibility } from './a11y';
import { createFetcher } from './fetcher';

const fetcher = createFetcher(new URL('/graphql', window.location.href).toString());

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
