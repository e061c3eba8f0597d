import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CronTimer, JobName, QueueName, scheduleCronJob } from '../../queue/index.js';
import { digestSchedulerId, type DigestJob } from './digest.job.js';
import { DigestSender } from './digest-sender.js';
import type { DigestSettings } from './digests.repository.js';
import { loggedFailure } from '../../errors/index.js';
import { outsideQueryScope } from '../../storage/index.js';

/**
 * The attempts of one scheduled send, in either mode: BullMQ's retries of the job with Redis, a
 * timer in this process without. The first retry waits a minute, each next one twice as long.
 */
export const DIGEST_SEND_ATTEMPTS = 5;
export const DIGEST_RETRY_DELAY_MS = 60_000;

/**
 * Keeps each tenant's digest on its schedule: with Redis a BullMQ job scheduler per tenant (set
 * from whichever process setDigest ran in, run by the processors); without, a timer per tenant in
 * this process, armed at start for every stored digest, and a retry timer per tenant while a
 * failed send has attempts left (the next scheduled send replaces it).
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestScheduler.name);
  private readonly timers = new Map<string, CronTimer>();
  /** Per tenant, the digest its timer was last armed with: the one setDigest last applied. */
  private readonly armed = new Map<string, DigestSettings>();
  /** Per tenant, the timer of a failed send's next attempt. */
  private readonly retries = new Map<string, NodeJS.Timeout>();
  /** Per tenant, the scheduled time of the latest send started: only its failures are retried. */
  private readonly latest = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly digests: DigestSender,
    @Optional() @Inject(getQueueToken(QueueName.Digests)) private readonly queue?: Queue,
  ) {}

  async apply(digest: DigestSettings): Promise<void> {
    if (this.queue !== undefined) {
      const data: DigestJob = { tenantId: digest.tenantId };
      await scheduleCronJob(this.queue, {
        schedulerId: digestSchedulerId(digest.tenantId),
        pattern: digest.schedule,
        timeZone: digest.timeZone,
        name: JobName.DigestSend,
        data,
        retryDelayMs: DIGEST_RETRY_DELAY_MS,
        keep: 100,
      });
      return;
    }
    this.arm(digest);
  }

  onApplicationBootstrap(): void {
    if (this.queue !== undefined) {
      return;
    }
    void this.armAll().catch((error: unknown) =>
      this.logger.error({ err: loggedFailure(error) }, 'could not load the digest schedules'),
    );
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) {
      timer.clear();
    }
    for (const retry of this.retries.values()) {
      clearTimeout(retry);
    }
    this.retries.clear();
  }

  private async armAll(): Promise<void> {
    for (const digest of await this.digests.all()) {
      this.arm(digest);
    }
  }

  private arm(digest: DigestSettings): void {
    const { tenantId } = digest;
    const timer = this.timers.get(tenantId) ?? new CronTimer();
    this.timers.set(tenantId, timer);
    this.armed.set(tenantId, digest);
    timer.clear();
    if (this.stopped) {
      return;
    }
    timer.arm(
      digest.schedule,
      new Date(),
      (at) => {
        // a send still owed from the last time gives way to this one
        clearTimeout(this.retries.get(tenantId));
        this.retries.delete(tenantId);
        this.latest.set(tenantId, at.getTime());
        void this.attempt(tenantId, at, 1)
          // from the digest as last applied, whose schedule a setDigest during the send may change
          .finally(() => this.arm(this.armed.get(tenantId) ?? digest));
      },
      digest.timeZone,
    );
  }

  /**
   * Attempt `attempt` of the send scheduled at `at`: a failure is logged and, while attempts are
   * left, tried again after DIGEST_RETRY_DELAY_MS doubled for each attempt made.
   */
  private async attempt(tenantId: string, at: Date, attempt: number): Promise<void> {
    try {
      await this.digests.sendScheduled(tenantId, at);
    } catch (error) {
      const left = DIGEST_SEND_ATTEMPTS - attempt;
      const delayMs = DIGEST_RETRY_DELAY_MS * 2 ** (attempt - 1);
      const next = left > 0 ? `tried again in ${delayMs / 1000} s` : 'no attempt left';
      // what failed and where, not its message: a mail server's refusal quotes the recipient
      this.logger.error(
        { err: loggedFailure(error), tenantId },
        `digest not sent (attempt ${attempt} of ${DIGEST_SEND_ATTEMPTS}, ${next})`,
      );
      if (left > 0 && !this.stopped && this.latest.get(tenantId) === at.getTime()) {
        const retry = outsideQueryScope(() =>
          setTimeout(() => {
            this.retries.delete(tenantId);
            void this.attempt(tenantId, at, attempt + 1);
          }, delayMs),
        );
        retry.unref();
        this.retries.set(tenantId, retry);
      }
    }
  }
}
