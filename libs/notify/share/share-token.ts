import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A new share token: 256 random bits, base64url (43 characters). */
export function newShareToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token and link id of the share link a message carries (a snapshot.created's, an alert's),
 * the same for every attempt to send that message: HMAC-SHA256 of the tenant and the message's
 * key under the key pepper (CAUSEWAY_KEY_PEPPER), which only the server knows. A retried
 * announcement finds the link its first attempt made rather than making another nobody gets.
 */
export function messageShareLink(
  pepper: string,
  tenantId: string,
  messageKey: string,
): { token: string; linkId: string } {
  const derive = (what: string) =>
    createHmac('sha256', pepper).update(`${what}\n${tenantId}\n${messageKey}`).digest();
  return {
    token: derive('share-link token').toString('base64url'),
    linkId: `sl_${derive('share-link id').toString('hex').slice(0, 24)}`,
  };
}

/** What is stored of a token: its SHA-256, hex. The token itself is only in the link. */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A well-formed token (anything else is answered 404 before the store is asked). */
export function isShareToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}
