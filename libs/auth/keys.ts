import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a key may do. A key has one or more. */
export enum Scope {
  INGEST = 'INGEST',
  READ = 'READ',
  /** Erases a person's data (docs/design.md §10); apart from ADMIN so a privacy desk needs no more. */
  ERASE = 'ERASE',
  ADMIN = 'ADMIN',
}

export const SCOPES: readonly Scope[] = [Scope.INGEST, Scope.READ, Scope.ERASE, Scope.ADMIN];

/** Whoever a request's key says it is. */
export interface Principal {
  keyId: string;
  tenantId: string;
  scopes: readonly Scope[];
}

/** Tenant name of the bootstrap admin key from CAUSEWAY_ADMIN_KEY; it owns no data. */
export const ADMIN_TENANT = '_admin';

const keyPattern = /^cw_([0-9a-f]{16})_([A-Za-z0-9_-]{32,64})$/;

/** A key split into its public id and its secret. */
export interface ParsedKey {
  keyId: string;
  secret: string;
}

/**
 * Splits `cw_<16 hex id>_<secret>`. A key chosen by an operator (CAUSEWAY_DEMO_KEY, say) in any
 * other form of 16-256 printable characters gets an id derived from its hash, the whole text
 * being its secret. Anything else is not a key.
 */
export function parseKey(key: string): ParsedKey | undefined {
  const match = keyPattern.exec(key);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { keyId: match[1], secret: match[2] };
  }
  if (/^[\x21-\x7e]{16,256}$/.test(key)) {
    return {
      keyId: `h${createHash('sha256').update(key).digest('hex').slice(0, 15)}`,
      secret: key,
    };
  }
  return undefined;
}

/** A fresh random key: 8 random bytes of id and 32 of secret. */
export function generateKey(): { key: string } & ParsedKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `cw_${keyId}_${secret}`, keyId, secret };
}

/**
 * The stored form of a secret: HMAC-SHA-256 keyed by the server's pepper. Secrets are 256 random
 * bits, so a keyed hash is as strong as a slow KDF here and costs microseconds per request.
 */
export function hashSecret(secret: string, pepper: string): string {
  return createHmac('sha256', pepper).update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string, pepper: string): boolean {
  const presented = Buffer.from(hashSecret(secret, pepper), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Compares two strings in constant time for their length (for the bootstrap admin key). */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHmac('sha256', 'compare').update(a).digest();
  const right = createHmac('sha256', 'compare').update(b).digest();
  return timingSafeEqual(left, right);
}

/** Parses `ingest,read` or `INGEST READ` into scopes; unknown names are an error. */
export function parseScopes(text: string): Scope[] {
  const names = text
    .split(/[\s,]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  const scopes = names.map((name) => {
    const scope = SCOPES.find((s) => s.valueOf() === name);
    if (scope === undefined) {
      throw new Error(`unknown scope "${name}" (expected ${SCOPES.join(', ')})`);
    }
    return scope;
  });
  if (scopes.length === 0) {
    throw new Error('at least one scope is required');
  }
  return [...new Set(scopes)];
}

export const tenantIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
