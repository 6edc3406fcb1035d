/** Every error code the console can meet, said in words for the people using it. */
const WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'Your credentials were not accepted. Sign in again with a valid API key or token.',
  FORBIDDEN: 'Your role does not allow this. Ask an administrator for operator access.',
  NOT_FOUND: 'This record does not exist, or it is outside the groups you may see.',
  VALIDATION: 'The gateway did not accept a value in this form.',
  BAD_USER_INPUT: 'The gateway did not accept a value in this form.',
  CONFLICT: 'The record changed since you loaded it.',
  RATE_LIMITED: 'Too many requests in a short time. Wait a moment, then try again.',
  TIMEOUT: 'The gateway took too long to answer and stopped the request.',
  UPSTREAM_UNAVAILABLE: 'Noyo is unavailable right now. Try again in a few minutes.',
  UPSTREAM_TIMEOUT: 'Noyo did not answer in time. Try again in a few minutes.',
  UPSTREAM_RATE_LIMITED: 'Noyo is limiting requests right now. Try again shortly.',
  UPSTREAM_ERROR: 'Noyo reported an unexpected error.',
  IDEMPOTENCY_KEY_REUSED: 'This action was already sent with different values.',
  IDEMPOTENCY_KEY_IN_USE: 'This action is still being processed. Wait a moment before retrying.',
  PERSISTED_QUERY_NOT_ALLOWED: 'This gateway does not accept the console’s operations. Its version may differ from the console’s.',
  PERSISTED_QUERY_NOT_FOUND: 'The gateway does not know this console operation. Reload the page.',
  PAYLOAD_TOO_LARGE: 'The request was too large for the gateway.',
  QUERY_TOO_COSTLY: 'The request asked for too much data at once.',
  INTERNAL_SERVER_ERROR: 'The gateway failed unexpectedly. Quote the request id when you report it.',
  NETWORK_ERROR: 'The gateway could not be reached.',
};

export function inWords(code: string): string {
  if (WORDS[code]) return WORDS[code];
  if (code.startsWith('HTTP_5')) return 'The gateway failed to answer.';
  if (code.startsWith('HTTP_4')) return 'The gateway refused the request.';
  return 'The gateway reported an error.';
}
