import { Injectable } from '@nestjs/common';
import { AuditLogService } from '../../audit/index.js';
import { z } from 'zod';
import { canonicalTimeZone, cronFrequencyProblem, cronPatternProblem } from '../../queue/index.js';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import { DigestScheduler } from './digest-scheduler.js';
import { DigestSender } from './digest-sender.js';
import { DigestsRepository, type DigestSettings, type StoredDigest } from './digests.repository.js';

export const DEFAULT_DIGEST_SCHEDULE = '0 7 * * 1';
export const MAX_RECIPIENTS = 50;

const email = z.email();

/**
 * The addresses once each, as first written: mail systems read an address without regard to case
 * (`Bob@Example.com` reaches `bob@example.com`), so two spellings would send the digest twice.
 */
function distinctAddresses(recipients: readonly string[]): string[] {
  const seen = new Set<string>();
  return recipients.filter((address) => {
    const key = address.toLowerCase();
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** A tenant's weekly digest: who gets it and when. `set` (an admin action) is one method. */
@Injectable()
export class DigestService {
  constructor(
    private readonly repository: DigestsRepository,
    private readonly scheduler: DigestScheduler,
    private readonly sender: DigestSender,
    private readonly audit: AuditLogService,
  ) {}

  /** Sets the tenant's recipients and schedule (cron, read in an IANA time zone, UTC by default). */
  async set(
    tenantId: string,
    recipients: string[],
    requested: { schedule?: string | null; timeZone?: string | null },
    actorKeyId?: string,
  ): Promise<StoredDigest> {
    const schedule = requested.schedule ?? DEFAULT_DIGEST_SCHEDULE;
    const timeZone = canonicalTimeZone(requested.timeZone ?? 'UTC');
    if (timeZone === undefined) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `timeZone: "${requested.timeZone}" is not a time zone; give an IANA name such as Europe/Berlin, America/New_York or UTC`,
      );
    }
    if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `recipients: between 1 and ${MAX_RECIPIENTS} addresses`,
      );
    }
    const bad = recipients.filter((r) => !email.safeParse(r).success);
    if (bad.length > 0) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `recipients: not e-mail addresses: ${bad.map((b) => `"${b}"`).join(', ')}`,
      );
    }
    const problem = cronPatternProblem(schedule);
    if (problem !== undefined) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `schedule: "${schedule}" is not a cron pattern (${problem})`,
      );
    }
    const tooOften = await cronFrequencyProblem(schedule, timeZone);
    if (tooOften !== undefined) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `schedule: "${schedule}" ${tooOften}; a digest goes out at most once an hour`,
      );
    }
    const digest: DigestSettings = {
      tenantId,
      recipients: distinctAddresses(recipients),
      schedule,
      timeZone,
      updatedAt: new Date(),
    };
    // recorded first: a failed write stops the action, which never happens unrecorded; the
    // recipients are people's addresses: the log keeps how many, not who
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'digest.set',
      detail: { recipients: digest.recipients.length, schedule, timeZone },
    });
    await this.repository.save(digest);
    await this.scheduler.apply(digest);
    // the answer shows the last send too, which setDigest leaves as it is
    const [stored] = await this.repository.list(tenantId);
    return {
      ...digest,
      lastSentAt: stored?.lastSentAt ?? null,
      lastRefused: stored?.lastRefused ?? [],
      lastFailure: stored?.lastFailure ?? null,
    };
  }

  /** Sends the digest of the last full week now. */
  async sendNow(tenantId: string): Promise<boolean> {
    await this.sender.send(tenantId);
    return true;
  }

  async get(tenantId: string): Promise<StoredDigest | undefined> {
    return this.sender.get(tenantId);
  }
}
