import { createHash, randomBytes } from 'node:crypto';

/** A new share token: 256 random bits, base64url (43 characters). */
export function newShareToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a token: its SHA-256, hex. The token itself is only in the link. */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A well-formed token (anything else is answered 404 before the store is asked). */
export function isShareToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}
