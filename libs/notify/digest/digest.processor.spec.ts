// A scheduled digest's send that fails on a real redis-server: the failed reason Redis keeps of its
// job names the failure (its type and code), not the mail server's reply, which quotes the address
// it refused. The sender fails as nodemailer's refusal of every recipient does (the refusal itself,
// from a real SMTP server, is in test/digest-sent-while-things-change-or-fail.e2e-spec.ts).

import { expect, it } from '@jest/globals';
import { Worker, type Job } from 'bullmq';
import { describeWithRedis, queueForSuite } from '../../../test/support/redis-suite.js';
import { JobName, QueueName } from '../../queue/index.js';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import type { DigestJob } from './digest.job.js';
import type { DigestSender } from './digest-sender.js';
import { DigestProcessor } from './digest.processor.js';

const REFUSED = 'refused.staff@example.com';

describeWithRedis('a scheduled digest that fails, on a real redis-server', (redis) => {
  const digests = queueForSuite(redis, QueueName.Digests);
  const { connection } = digests;

  it("keeps the failure's type and code as the job's failed reason, not the recipient", async () => {
    const sender = {
      sendScheduled: () =>
        Promise.reject(
          new NotifyException(
            NotifyErrorCode.MailFailed,
            `the mail server did not take the digest: Can't send mail - all recipients were rejected: 550 5.1.1 <${REFUSED}>: Recipient address rejected: User unknown`,
          ),
        ),
    } as unknown as DigestSender;
    const processor = new DigestProcessor(sender);
    const worker = new Worker(
      QueueName.Digests,
      (job: Job) => processor.process(job as Job<DigestJob, void, string>),
      { connection: connection() },
    );
    try {
      const added = await digests.queue.add(JobName.DigestSend, { tenantId: 'acme' });
      await new Promise<void>((resolve) => {
        worker.on('failed', (done) => done?.id === added.id && resolve());
      });
      const failed = await digests.queue.getJob(added.id!);
      expect(failed?.failedReason).toBe('digest not sent: NotifyException NOTIFY_MAIL_FAILED');
      expect(JSON.stringify(failed?.stacktrace)).not.toContain(REFUSED);
    } finally {
      await worker.close();
    }
  });
});
