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
import { messageOf } from '../../errors/index.js';

/**
 * Keeps each tenant's digest on its schedule: with Redis a BullMQ job scheduler per tenant (set
 * from whichever process setDigest ran in, run by the processors); without, a timer per tenant in
 * this process, armed at start for every stored digest.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestScheduler.name);
  private readonly timers = new Map<string, CronTimer>();
  /** Per tenant, the digest its timer was last armed with: the one setDigest last applied. */
  private readonly armed = new Map<string, DigestSettings>();
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
        name: JobName.DigestSend,
        data,
        retryDelayMs: 60_000,
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
      this.logger.error(`could not load the digest schedules: ${messageOf(error)}`),
    );
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) {
      timer.clear();
    }
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
    timer.arm(digest.schedule, new Date(), (at) => {
      void this.digests
        .send(tenantId, at)
        .catch((error: unknown) =>
          this.logger.error(`digest of ${tenantId} not sent: ${messageOf(error)}`),
        )
        // from the digest as last applied, whose schedule a setDigest during the send may change
        .finally(() => this.arm(this.armed.get(tenantId) ?? digest));
    });
  }
}
