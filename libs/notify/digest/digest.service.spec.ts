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

  it.each([
    // the gaps between runs below are worked out by hand from the patterns
    ['* * * * * *', 'runs every second'],
    ['*/5 * * * *', 'runs every 5 minutes'],
    ['*/3 * * * * *', 'runs every 3 seconds'],
    // 09:00:00 and 09:30:00 (seconds first): 30 minutes, then 23 h 30
    ['0 0,30 9 * * *', 'runs as little as 30 minutes apart'],
    // minutes 0, 7, ..., 56, then 0 of the next hour: 7 minutes apart, 4 across the hour
    ['*/7 * * * *', 'runs as little as 4 minutes apart'],
    // 00:00 and 00:59 of each hour
    ['0,59 * * * *', 'runs as little as 1 minute apart'],
  ])('refuses %j, which runs closer than an hour apart', async (schedule, why) => {
    const { service, saved, scheduled } = serviceRecording();
    const refused = service.set('acme', ['ceo@example.com'], { schedule });
    await expect(refused).rejects.toMatchObject({ code: NotifyErrorCode.InvalidRequest });
    await expect(refused).rejects.toThrow(
      `schedule: "${schedule}" ${why}; a digest goes out at most once an hour`,
    );
    expect(saved).toEqual([]);
    expect(scheduled).toEqual([]);
  });

  it.each(['0 7 * * 1', '0 0 7 * * 1', '30 6 * * mon-fri', '@weekly', '0 * * * *'])(
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

describe("setDigest's schedule across the clock changes of its time zone", () => {
  it.each([
    // Monday 09:00 in Berlin: a week apart, a week and an hour less or more across a change
    ['0 9 * * 1', 'Europe/Berlin'],
    // 01:30 and 02:30 in New York: an hour apart; on 8 March 2026 02:30 is skipped and sent at
    // 03:30 (an hour after 01:30); on 1 November 01:30 comes twice and is sent once (2 hours)
    ['30 1,2 * * *', 'America/New_York'],
    // 02:00 and 03:00 in Berlin: on 29 March 2026 02:00 is skipped and sent at 03:00, once
    ['0 2,3 * * *', 'Europe/Berlin'],
  ])('takes %j in %s, whose runs stay an hour apart or more', async (schedule, timeZone) => {
    const { service, saved } = serviceRecording();
    await service.set('acme', ['ceo@example.com'], { schedule, timeZone });
    expect(saved.map((s) => [s.schedule, s.timeZone])).toEqual([[schedule, timeZone]]);
  });
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
