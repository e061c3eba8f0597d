// A period that ends before it starts holds no entry: the lists refuse it, naming from and to, as
// the measures and reportSnapshots do, rather than answer an empty list.

import { describe, expect, it } from '@jest/globals';
import type { AuditLogService } from '../audit/index.js';
import type { Principal } from '../auth/index.js';
import type { BackupService } from './backup.service.js';
import type { ErasureService } from './erasure.service.js';
import { LifecycleErrorCode } from './lifecycle.exception.js';
import { LifecycleResolver } from './lifecycle.resolver.js';

const OCT_1 = new Date('2026-10-01T00:00:00Z');
const OCT_31 = new Date('2026-10-31T00:00:00Z');

function resolver(): LifecycleResolver {
  const audit = { list: () => Promise.resolve([]) } as unknown as AuditLogService;
  const erasure = { erasures: () => Promise.resolve([]) } as unknown as ErasureService;
  return new LifecycleResolver(audit, erasure, {} as BackupService);
}

const refused = expect.objectContaining({
  code: LifecycleErrorCode.InvalidRequest,
  message: expect.stringMatching(/^from, to: from must be before to/) as unknown,
});

describe('the lifecycle lists over [from, to)', () => {
  const principal: Principal = { tenantId: 'acme', keyId: 'k1', scopes: [] };

  it.each([
    ['after', OCT_31, OCT_1],
    ['equal to', OCT_1, OCT_1],
  ])('refuse auditLog with from %s to, naming both', (_, from, to) => {
    expect(() => resolver().auditLog('acme', { from, to }, 100)).toThrow(refused);
  });

  it('refuse erasures with from after to', () => {
    expect(() => resolver().erasures(principal, { from: OCT_31, to: OCT_1 })).toThrow(refused);
  });

  it('answer a period open at either end, or from before to', async () => {
    await expect(resolver().auditLog('acme', { from: OCT_31 }, 100)).resolves.toEqual([]);
    await expect(resolver().auditLog('acme', { from: OCT_1, to: OCT_31 }, 100)).resolves.toEqual(
      [],
    );
    await expect(resolver().erasures(principal, { to: OCT_1 })).resolves.toEqual([]);
  });
});
