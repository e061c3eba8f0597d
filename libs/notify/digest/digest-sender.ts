import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../../config/index.js';
import { MIN_SCHEDULE_GAP_MS, runsMoreThanHourly } from '../../queue/index.js';
import {
  buildReportView,
  revenueTitle,
  lastFullWeek,
  LiftReportService,
  PdfRenderer,
  ReportMeasuresService,
  isPrintingFailure,
} from '../../reports/index.js';
import { AlertKind } from '../alerts/alert-kind.js';
import { AlertLinks } from '../alerts/alert-links.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import { MESSAGE_LINK_HOURS, ShareLinksService } from '../share/share-links.service.js';
import { ShareResource } from '../share/share-links.repository.js';
import { digestHtml, digestSubject, digestText, type DigestContent } from './digest-content.js';
import { DigestsRepository, type StoredDigest } from './digests.repository.js';
import { failureName, loggedFailure, messageOf } from '../../errors/index.js';

/** The open alerts a digest lists; it counts all of them. */
const DIGEST_ALERTS_LISTED = 100;

/**
 * What a failed send was, naming no person: how many recipients the mail server refused, or the
 * failure's type and code. Its message may quote a refused address, which only the digest's own
 * record (lastError) keeps; this goes where the tenant's webhooks are told (DIGEST_NOT_SENT).
 */
export function failureKind(error: unknown): string {
  if (!(error instanceof NotifyException)) {
    return failureName(error);
  }
  if (error.code === NotifyErrorCode.MailUnavailable) {
    return 'SMTP_URL is not set';
  }
  if (error.code !== NotifyErrorCode.MailFailed || error.cause === undefined) {
    return failureName(error);
  }
  // nodemailer's error: its code, the server's reply code, and whom it refused when it refused all
  const mail = error.cause as { code?: unknown; responseCode?: unknown; rejected?: unknown };
  const reply = typeof mail.responseCode === 'number' ? ` (reply ${mail.responseCode})` : '';
  if (Array.isArray(mail.rejected) && mail.rejected.length > 0) {
    const refused = mail.rejected.length;
    const whom = refused === 1 ? 'its only recipient' : `all ${refused} recipients`;
    return `the mail server refused ${whom}${reply}`;
  }
  const code = typeof mail.code === 'string' ? ` (${mail.code})` : '';
  return `the mail server did not take it${code}${reply}`;
}

/**
 * The Message-ID of the mail of the tenant's send planned at `at`, at the domain of `from` (as the
 * one nodemailer makes is): the same for every attempt of that send, so that one the mail server
 * took before a crash kept it from being recorded, and sent again when the job reruns, reads as a
 * copy of the same message, as a webhook's retries keep their id.
 */
export function digestMessageId(tenantId: string, at: Date, from: string): string {
  const hash = createHash('sha256').update(`${tenantId}\n${at.getTime()}`).digest('hex');
  const domain = /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'causeway.invalid';
  return `<digest-${hash.slice(0, 32)}@${domain}>`;
}

/**
 * Sends the weekly digest e-mail: the last full week's headline, open alerts, a share link to the
 * report and its PDF, over SMTP (SMTP_URL) with nodemailer. The use case of sendDigestNow, the
 * BullMQ job and the in-process timer alike.
 */
@Injectable()
export class DigestSender {
  private readonly logger = new Logger(DigestSender.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repository: DigestsRepository,
    private readonly measures: ReportMeasuresService,
    private readonly reports: LiftReportService,
    private readonly pdf: PdfRenderer,
    private readonly alerts: AlertsService,
    private readonly shareLinks: ShareLinksService,
    private readonly alertLinks: AlertLinks,
  ) {}

  all(): Promise<StoredDigest[]> {
    return this.repository.list();
  }

  async get(tenantId: string): Promise<StoredDigest | undefined> {
    return (await this.repository.list(tenantId))[0];
  }

  /**
   * The send of the tenant's digest its schedule plans at `at` (BullMQ's job or this process's
   * timer), skipped when the digest went out less than MIN_SCHEDULE_GAP_MS ago and its schedule
   * runs more often than that: setDigest refuses such a schedule, and one stored before it did
   * reaches its recipients at most once an hour. Answers whether it was sent.
   */
  async sendScheduled(tenantId: string, at: Date): Promise<boolean> {
    const digest = await this.get(tenantId);
    const lastSentAt = digest?.lastSentAt?.getTime();
    if (
      digest !== undefined &&
      lastSentAt !== undefined &&
      Date.now() - lastSentAt < MIN_SCHEDULE_GAP_MS &&
      (await runsMoreThanHourly(digest.schedule, digest.timeZone))
    ) {
      this.logger.warn(
        `digest of tenant ${tenantId}: the run planned at ${at.toISOString()} is skipped, the digest went out at ${new Date(lastSentAt).toISOString()}; its schedule "${digest.schedule}" runs more often than once an hour (set it again with setDigest)`,
      );
      return false;
    }
    await this.send(tenantId, at);
    return true;
  }

  /**
   * Sends the tenant's digest now, of the last full week before `at`. A send of a digest that is
   * set and fails is recorded (Digest.lastFailedAt, lastError) before the error is thrown.
   */
  async send(tenantId: string, at = new Date()): Promise<void> {
    const digest = await this.get(tenantId);
    try {
      await this.sendDigest(tenantId, digest, at);
    } catch (error) {
      if (digest !== undefined) {
        await this.repository
          .recordFailure(tenantId, {
            failedAt: new Date(),
            error: messageOf(error),
            kind: failureKind(error),
          })
          .catch((recording: unknown) =>
            this.logger.error(
              { err: loggedFailure(recording), tenantId },
              "a digest's failure was not recorded",
            ),
          );
      }
      throw error;
    }
  }

  private async sendDigest(
    tenantId: string,
    digest: StoredDigest | undefined,
    at: Date,
  ): Promise<void> {
    const url = this.config.env.SMTP_URL;
    if (url === undefined) {
      throw new NotifyException(
        NotifyErrorCode.MailUnavailable,
        'SMTP_URL is not set: the digest cannot be sent (set it, e.g. smtp://user:pass@mail.example.com:587)',
      );
    }
    if (digest === undefined) {
      throw new NotifyException(
        NotifyErrorCode.NotFound,
        'no digest for this tenant: call setDigest with its recipients first',
      );
    }
    const { content, pdf } = await this.withPdf(tenantId, await this.content(tenantId, at));
    const messageId = digestMessageId(tenantId, at, this.config.env.DIGEST_FROM);
    const refused = await this.mail(url, digest.recipients, messageId, content, pdf);
    if (this.config.env.PUBLIC_URL === undefined) {
      this.logger.warn(
        `digest of tenant ${tenantId}: PUBLIC_URL is not set, so its report link points to ${this.config.publicUrl}, which its recipients cannot open elsewhere; set PUBLIC_URL to the address they reach the API at`,
      );
    }
    if (refused.length > 0) {
      // how many, not whom: the digest's own record (lastRefused) names them
      this.logger.warn(
        `digest of tenant ${tenantId}: the mail server refused ${refused.length} of ${digest.recipients.length} recipients (the digest's lastRefused names them); the others got it`,
      );
    }
    await this.recordSent(tenantId, refused);
  }

  /**
   * Records a send the mail server took. The digest went out whatever the store does, so a record
   * that fails is logged, not thrown: thrown, it made the send a failure, tried again (a second
   * mail to every recipient) and told as DIGEST_NOT_SENT. Only the send's result is written: the
   * recipients and schedule may have been set again meanwhile.
   */
  private async recordSent(tenantId: string, refused: string[]): Promise<void> {
    try {
      await this.repository.recordSend(tenantId, { sentAt: new Date(), refused });
    } catch (error) {
      this.logger.error(
        { err: loggedFailure(error), tenantId },
        'digest sent, but its send was not recorded: lastSentAt does not show it',
      );
    }
  }

  /**
   * The week's report as PDF for the digest. When the browser is missing (found before), or is
   * there but fails to print (Chromium without its libraries exits at once), there is none and
   * the content says why: the digest goes without the PDF rather than not at all.
   */
  private async withPdf(
    tenantId: string,
    content: DigestContent,
  ): Promise<{ content: DigestContent; pdf: Buffer | undefined }> {
    if (content.pdfMissing !== undefined) {
      return { content, pdf: undefined };
    }
    try {
      return { content, pdf: await this.reports.pdfDocument(tenantId, content.from, content.to) };
    } catch (error) {
      // the renderer's failures: the digest is sent without its PDF, saying why
      if (!isPrintingFailure(error)) {
        throw error;
      }
      this.logger.warn(`digest of tenant ${tenantId}: sent without its PDF: ${error.message}`);
      return { content: { ...content, pdfMissing: error.message }, pdf: undefined };
    }
  }

  /**
   * Hands the digest to the mail server; answers the recipients it refused. nodemailer fails only
   * when the server refused them all: a mail some recipients got is a send, with those it refused.
   */
  private async mail(
    url: string,
    recipients: string[],
    messageId: string,
    content: DigestContent,
    pdf: Buffer | undefined,
  ): Promise<string[]> {
    try {
      const info = await createTransport(url).sendMail({
        messageId,
        from: this.config.env.DIGEST_FROM,
        to: recipients,
        subject: digestSubject(content),
        text: digestText(content),
        html: digestHtml(content),
        attachments:
          pdf === undefined
            ? []
            : [
                {
                  filename: LiftReportService.pdfFileName(content.from, content.to),
                  content: pdf,
                  contentType: 'application/pdf',
                },
              ],
      });
      return [...info.rejected];
    } catch (error) {
      throw new NotifyException(
        NotifyErrorCode.MailFailed,
        `the mail server did not take the digest: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  private async content(tenantId: string, at: Date): Promise<DigestContent> {
    const week = lastFullWeek(at);
    const measures = await this.measures.collect(tenantId, week.from, week.to);
    const view = buildReportView(measures);
    // a digest going out ends its own DIGEST_NOT_SENT (the next evaluation resolves it): not listed
    const openAlerts = (await this.alerts.open(tenantId)).filter(
      (alert) => alert.kind !== AlertKind.DIGEST_NOT_SENT,
    );
    const listed = openAlerts.slice(0, DIGEST_ALERTS_LISTED);
    const { url } = await this.shareLinks.create(tenantId, {
      resource: ShareResource.LIFT_REPORT,
      from: week.from,
      to: week.to,
      expiresInHours: MESSAGE_LINK_HOURS,
    });
    return {
      tenantId,
      from: week.from,
      to: week.to,
      headline: view.headline,
      revenueTitle: revenueTitle(measures.currencies),
      openAlerts: listed,
      openAlertsTotal: openAlerts.length,
      alertLinks: await this.alertLinks.forAlerts(tenantId, listed),
      shareUrl: url,
      pdfMissing: await this.pdf.unavailableReason(),
    };
  }
}
