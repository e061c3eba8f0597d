import { describe, expect, it } from '@jest/globals';
import type { AuditLogService } from '../../audit/index.js';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import type { DigestScheduler } from './digest-scheduler.js';
import type { DigestSender } from './digest-sender.js';
import { DigestService } from './digest.service.js';
import type { DigestSettings, DigestsRepository } from './digests.repository.js';

/** A service whose store and schedule only record what they are given. */
function serviceRecording() {
  const saved: DigestSettings[] = [];
  const scheduled: DigestSettings[] = [];
  const repository = {
    save: (digest: DigestSettings) => Promise.resolve(void saved.push(digest)),
    list: () => Promise.resolve([]),
  };
  const scheduler = {
    apply: (digest: DigestSettings) => Promise.resolve(void scheduled.push(digest)),
  };
  const audit = { record: () => Promise.resolve() };
  const service = new DigestService(
    repository as unknown as DigestsRepository,
    scheduler as unknown as DigestScheduler,
    {} as DigestSender,
    audit as unknown as AuditLogService,
  );
  return { service, saved, scheduled };
}

describe("setDigest's schedule", () => {
  it.each([
    // the cron library reads a pattern of fewer fields by filling the missing ones from the left:
    // '' and '*' as every minute, '0 7 * *' (a field left out) as every minute of 00:00-00:59 on
    // the 7th, '0' as every minute of Sundays; each would send the weekly digest again and again
    ['', '0 fields'],
    ['*', '1 field'],
    ['0', '1 field'],
    ['0 7 * *', '4 fields'],
  ])(
    'refuses %j (%s): a pattern has 5 fields, or 6 with seconds first',
    async (schedule, counted) => {
      const { service, saved, scheduled } = serviceRecording();
      const refused = service.set('acme', ['ceo@example.com'], { schedule });
      await expect(refused).rejects.toBeInstanceOf(NotifyException);
      await expect(refused).rejects.toMatchObject({ code: NotifyErrorCode.InvalidRequest });
      await expect(refused).rejects.toThrow(`schedule: "${schedule}" is not a cron pattern (`);
      await expect(refused).rejects.toThrow(`(${counted}; write 5 fields`);
      expect(saved).toEqual([]);
      expect(scheduled).toEqual([]);
    },
  );

  it.each(['0 7 * * 1', '*/3 * * * * *', '30 6 * * mon-fri', '@weekly'])(
    'takes %j',
    async (schedule) => {
      const { service, saved, scheduled } = serviceRecording();
      const digest = await service.set('acme', ['ceo@example.com'], { schedule });
      expect(digest.schedule).toBe(schedule);
      expect(saved.map((s) => s.schedule)).toEqual([schedule]);
      expect(scheduled.map((s) => s.schedule)).toEqual([schedule]);
    },
  );
});

describe("setDigest's time zone", () => {
  it('reads the schedule in UTC when none is given, and keeps an IANA name as the runtime spells it', async () => {
    const { service, saved, scheduled } = serviceRecording();
    expect((await service.set('acme', ['ceo@example.com'], {})).timeZone).toBe('UTC');
    const berlin = await service.set('acme', ['ceo@example.com'], { timeZone: 'europe/berlin' });
    expect(berlin.timeZone).toBe('Europe/Berlin');
    expect(saved.map((s) => s.timeZone)).toEqual(['UTC', 'Europe/Berlin']);
    expect(scheduled.map((s) => s.timeZone)).toEqual(['UTC', 'Europe/Berlin']);
  });

  it.each(['Berlin', 'CEST', 'Mars/Olympus', ''])(
    'refuses %j, storing nothing',
    async (timeZone) => {
      const { service, saved, scheduled } = serviceRecording();
      const refused = service.set('acme', ['ceo@example.com'], { timeZone });
      await expect(refused).rejects.toMatchObject({ code: NotifyErrorCode.InvalidRequest });
      await expect(refused).rejects.toThrow(
        `timeZone: "${timeZone}" is not a time zone; give an IANA name such as Europe/Berlin`,
      );
      expect(saved).toEqual([]);
      expect(scheduled).toEqual([]);
    },
  );
});

describe("setDigest's recipients", () => {
  it('keeps each address once, as first written, whatever its case', async () => {
    const { service, saved } = serviceRecording();
    const digest = await service.set(
      'acme',
      [
        'Bob@Example.com',
        'ceo@example.com',
        'bob@example.com',
        'BOB@EXAMPLE.COM',
        'ceo@example.com',
      ],
      {},
    );
    expect(digest.recipients).toEqual(['Bob@Example.com', 'ceo@example.com']);
    expect(saved.map((s) => s.recipients)).toEqual([['Bob@Example.com', 'ceo@example.com']]);
  });
});
