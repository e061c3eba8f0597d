import { createHash } from 'node:crypto';

/** The payload of JobName.DigestSend. */
export interface DigestJob {
  tenantId: string;
}

/** The job scheduler's id in Redis: one per tenant. */
export function digestSchedulerId(tenantId: string): string {
  return `digest-${createHash('sha256').update(tenantId).digest('hex').slice(0, 16)}`;
}
