// The graphql-http server audit (GraphQL over HTTP spec conformance) against the URL in argv[2].
// Prints one JSON array: {id, name, status, reason} per audit, status ok | notice | warn | error.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
const report = results.map((result) => ({
  id: result.id,
  name: result.name,
  status: result.status,
  reason: result.status === 'ok' ? '' : result.reason,
  httpStatus: result.status === 'ok' ? null : result.response?.status ?? null,
}));
process.stdout.write(JSON.stringify(report));
