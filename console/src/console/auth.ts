/**
 * Who the console calls as: a pasted API key or JWT, kept for this browser tab only
 * (sessionStorage), or nobody (the gateway decides whether anonymous callers are let in).
 */
export type Credential = { kind: 'jwt' | 'apiKey'; value: string } | null;

export interface Identity {
  label: string;
  /** Scopes the JWT claims; unknown for API keys and anonymous callers. */
  scopes: string[] | null;
  role: string | null;
}

const STORAGE_KEY = 'noyo-console.credential';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const listeners = new Set<() => void>();

let current: Credential = read();

function read(): Credential {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credential) : null;
  } catch {
    return null;
  }
}

/** A pasted secret: a JWT when it has the three dot-separated parts, otherwise an API key. */
export function credentialFrom(pasted: string): Credential {
  const value = pasted.trim().replace(/^(Bearer|ApiKey)\s+/i, '');
  if (!value) return null;
  return { kind: JWT_SHAPE.test(value) ? 'jwt' : 'apiKey', value };
}

export function getCredential(): Credential {
  return current;
}

export function setCredential(credential: Credential): void {
  current = credential;
  if (credential) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  else sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

export function onCredentialChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  if (!current) return {};
  return current.kind === 'jwt' ? { Authorization: `Bearer ${current.value}` } : { 'X-API-Key': current.value };
}

function jwtClaims(token: string): Record<string, unknown> | null {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '='))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** What the header shows about the caller; the gateway stays the judge of every claim. */
export function identity(credential: Credential): Identity {
  if (!credential) return { label: 'Anonymous', scopes: null, role: null };
  if (credential.kind === 'apiKey') return { label: 'API key', scopes: null, role: null };
  const claims = jwtClaims(credential.value) ?? {};
  const scope = claims.scope;
  const scopes = Array.isArray(scope) ? scope.map(String) : typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [];
  const subject = typeof claims.sub === 'string' ? claims.sub : 'unknown subject';
  return { label: `JWT · ${subject}`, scopes, role: typeof claims.role === 'string' ? claims.role : 'viewer' };
}
