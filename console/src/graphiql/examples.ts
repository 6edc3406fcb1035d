/**
 * The example operations GraphiQL opens as tabs, one per workflow. Each `.graphql` file is checked
 * against `schema.graphql` when the bundle is built (see vite.config.ts). Ids are from the demo's
 * seeded world (`make run`, seed 42).
 */
import reviewQueue from './examples/review-queue.graphql';
import confirm from './examples/confirm.graphql';
import reject from './examples/reject.graphql';
import resubmit from './examples/resubmit.graphql';
import groupStatus from './examples/group-status.graphql';
import createDisconnectionRequest from './examples/request-disconnection.graphql';
import snapshots from './examples/snapshots.graphql';
import terminationPreview from './examples/termination-preview.graphql';
import reviewQueueChanges from './examples/review-queue-changes.graphql';

export interface Example {
  query: string;
  variables?: Record<string, unknown>;
}

const DEMO_GROUP = 'cbbef8c7-bd83-4a17-be49-07e31405ac82';
const DEMO_CARRIER = 'a2e9dc9d-50a5-48ad-b8f0-fcddc759aa95';
const DEMO_REVIEW_REQUEST = '23e6edea-c653-4ab9-9148-5c7fbfdee4c3';

export const EXAMPLES: Example[] = [
  { query: reviewQueue, variables: { first: 10 } },
  { query: confirm, variables: { id: DEMO_REVIEW_REQUEST, effectiveEndDate: '2026-09-30' } },
  { query: reject, variables: { id: DEMO_REVIEW_REQUEST, reason: 'CONNECTION_RESTORED', context: 'renewed' } },
  { query: resubmit, variables: { id: DEMO_REVIEW_REQUEST, version: 'paste-the-current-version', effectiveEndDate: '2026-10-31' } },
  { query: groupStatus, variables: { groupId: DEMO_GROUP } },
  {
    query: createDisconnectionRequest,
    variables: {
      input: { groupId: DEMO_GROUP, carrierId: DEMO_CARRIER, effectiveEndDate: '2026-08-31', reason: 'LOST_GROUP' },
      idempotencyKey: 'example-disconnect-1',
    },
  },
  { query: snapshots, variables: { groupId: null, status: null } },
  { query: terminationPreview },
  { query: reviewQueueChanges },
];
