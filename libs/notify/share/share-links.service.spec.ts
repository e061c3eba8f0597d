// A share link shows one resource: an argument of the other resource would ask for what the link
// does not show, so it is refused, naming the argument and the resource, rather than ignored.

import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/index.js';
import { NotifyErrorCode } from '../notify.exception.js';
import { ShareResource } from './share-links.repository.js';
import { ShareLinksService } from './share-links.service.js';

type Deps = ConstructorParameters<typeof ShareLinksService>;

const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-31T00:00:00Z');

describe('createShareLink with an argument of the other resource', () => {
  const saved: unknown[] = [];
  const none = {} as never;
  const service = new ShareLinksService(
    loadConfig({ LOG_LEVEL: 'silent' }),
    { save: (link: unknown) => Promise.resolve(void saved.push(link)) } as unknown as Deps[1],
    none,
    {
      get: (_: string, snapshotId: string) => Promise.resolve({ snapshotId }),
    } as unknown as Deps[3],
    none,
    { record: () => Promise.resolve() } as unknown as Deps[5],
  );
  const refused = (message: string) =>
    expect.objectContaining({ code: NotifyErrorCode.InvalidRequest, message });

  it('refuses a snapshotId with LIFT_REPORT', async () => {
    await expect(
      service.create('t', {
        resource: ShareResource.LIFT_REPORT,
        from: FROM,
        to: TO,
        snapshotId: 'rs_1',
      }),
    ).rejects.toEqual(refused('snapshotId: a LIFT_REPORT link takes no snapshotId'));
  });

  it.each([
    [{ from: FROM }, 'from: a SNAPSHOT link takes no from'],
    [{ to: TO }, 'to: a SNAPSHOT link takes no to'],
    [{ from: FROM, to: TO }, 'from, to: a SNAPSHOT link takes no from or to'],
  ])('refuses %o with SNAPSHOT', async (period, message) => {
    await expect(
      service.create('t', { resource: ShareResource.SNAPSHOT, snapshotId: 'rs_1', ...period }),
    ).rejects.toEqual(refused(message));
  });

  it('makes the link of each resource with its own arguments, null for the others', async () => {
    saved.length = 0;
    await service.create('t', { resource: ShareResource.LIFT_REPORT, from: FROM, to: TO });
    await service.create('t', {
      resource: ShareResource.SNAPSHOT,
      snapshotId: 'rs_1',
      from: null,
      to: null,
    });
    expect(saved).toEqual([
      expect.objectContaining({ from: FROM, to: TO, snapshotId: null }),
      expect.objectContaining({ from: null, to: null, snapshotId: 'rs_1' }),
    ]);
  });
});
