import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditLogService } from '../../audit/index.js';
import { AppConfig } from '../../config/index.js';
import { toPeriod } from '../../measurement/index.js';
import {
  LiftReportService,
  PdfRenderer,
  ReportsErrorCode,
  ReportsException,
  ReportSnapshotsService,
  type StoredSnapshot,
} from '../../reports/index.js';
import { NotifyErrorCode, NotifyException, notFound } from '../notify.exception.js';
import {
  ShareLinksRepository,
  ShareResource,
  type StoredShareLink,
} from './share-links.repository.js';
import { hashShareToken, isShareToken, messageShareLink, newShareToken } from './share-token.js';

/** A week, the default life of a link; a year at most. */
export const DEFAULT_EXPIRES_IN_HOURS = 168;
export const MAX_EXPIRES_IN_HOURS = 24 * 366;

/**
 * The life of the links a message carries (an alert's, the digest's, a snapshot.created's): two
 * weeks, long enough to be read after a weekend and past the next weekly digest.
 */
export const MESSAGE_LINK_HOURS = 14 * 24;

/** How long an expired link is kept (the TTL of share_links, migration 0120). */
export const SHARE_LINK_GRACE_DAYS = 30;

export interface CreateShareLinkInput {
  resource: ShareResource;
  from?: Date | null;
  to?: Date | null;
  snapshotId?: string | null;
  expiresInHours?: number | null;
}

/**
 * Refuses the arguments given that belong to the other resource (a snapshotId with LIFT_REPORT,
 * a from or to with SNAPSHOT), naming them: the link would not show what they ask for.
 */
function refuseOtherArguments(
  input: CreateShareLinkInput,
  names: readonly ('from' | 'to' | 'snapshotId')[],
): void {
  const given = names.filter((name) => input[name] !== undefined && input[name] !== null);
  if (given.length > 0) {
    throw new NotifyException(
      NotifyErrorCode.InvalidRequest,
      `${given.join(', ')}: a ${input.resource} link takes no ${given.join(' or ')}`,
    );
  }
}

/** A page or PDF a share link shows. */
export type SharedDocument =
  { kind: 'html'; body: string } | { kind: 'pdf'; body: Buffer; fileName: string };

/**
 * Share links: a URL that opens one report without a key. Only the token's hash is stored; the
 * URL is in the answer to createShareLink and nowhere else. Each admin action (create, revoke) is
 * one method.
 */
@Injectable()
export class ShareLinksService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: ShareLinksRepository,
    private readonly reports: LiftReportService,
    private readonly snapshots: ReportSnapshotsService,
    private readonly pdf: PdfRenderer,
    private readonly audit: AuditLogService,
  ) {}

  /** The base of every link: PUBLIC_URL, else this process's address. */
  linkUrl(token: string): string {
    return `${this.config.publicUrl}/share/${token}`;
  }

  async create(
    tenantId: string,
    input: CreateShareLinkInput,
    actorKeyId?: string,
  ): Promise<{ link: StoredShareLink; url: string }> {
    const token = newShareToken();
    const linkId = `sl_${randomBytes(12).toString('hex')}`;
    return this.make(tenantId, input, { token, linkId }, actorKeyId);
  }

  /**
   * The link the message `messageKey` carries (a snapshot.created's, an alert's): made by the
   * first attempt to send the message, found again by every retry (see messageShareLink), so
   * that a retried announcement, whose message the queue keeps once, makes no unused link.
   */
  async forMessage(
    tenantId: string,
    input: CreateShareLinkInput,
    messageKey: string,
  ): Promise<{ link: StoredShareLink; url: string }> {
    const made = messageShareLink(this.config.env.CAUSEWAY_KEY_PEPPER, tenantId, messageKey);
    const found = await this.repository.byTokenHash(hashShareToken(made.token));
    if (found === undefined) {
      return this.make(tenantId, input, made);
    }
    // a retry long after the first attempt, or after an admin revoked its link: the message
    // carries a new link that opens, not the one it can no longer open
    return opens(found)
      ? { link: found, url: this.linkUrl(made.token) }
      : this.create(tenantId, input);
  }

  private async make(
    tenantId: string,
    input: CreateShareLinkInput,
    { token, linkId }: { token: string; linkId: string },
    actorKeyId?: string,
  ): Promise<{ link: StoredShareLink; url: string }> {
    const hours = input.expiresInHours ?? DEFAULT_EXPIRES_IN_HOURS;
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_EXPIRES_IN_HOURS) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `expiresInHours: must be a whole number between 1 and ${MAX_EXPIRES_IN_HOURS}`,
      );
    }
    const target = await this.target(tenantId, input);
    const createdAt = new Date();
    const link: StoredShareLink = {
      tenantId,
      linkId,
      tokenHash: hashShareToken(token),
      resource: input.resource,
      ...target,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + hours * 3_600_000),
      revokedAt: null,
    };
    await this.repository.save(link);
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'share_link.created',
      target: link.linkId,
      detail: { resource: link.resource, expiresAt: link.expiresAt.toISOString() },
    });
    return { link, url: this.linkUrl(token) };
  }

  /**
   * The tenant's links, newest first: those not expired at `now`, or also the expired ones still
   * kept (for SHARE_LINK_GRACE_DAYS after their expiry) when `includeExpired`.
   */
  list(tenantId: string, includeExpired = false, now = new Date()): Promise<StoredShareLink[]> {
    return this.repository.list(tenantId, { liveAt: includeExpired ? undefined : now });
  }

  /** Revokes a link: it answers 404 from now on. Revoking twice is harmless. */
  async revoke(tenantId: string, linkId: string, actorKeyId?: string): Promise<boolean> {
    const [link] = await this.repository.list(tenantId, { linkId });
    if (link === undefined) {
      throw notFound('share link', linkId);
    }
    if (link.revokedAt === null) {
      // recorded first: a failed write stops the revocation, which never happens unrecorded
      await this.audit.record({
        tenantId,
        actorKeyId,
        action: 'share_link.revoked',
        target: linkId,
      });
      await this.repository.save({ ...link, revokedAt: new Date() });
    }
    return true;
  }

  /**
   * The document a token opens, or undefined for an unknown, expired or revoked token (the caller
   * answers all three alike, 404 with no detail).
   */
  async open(
    token: string,
    format: 'html' | 'pdf',
    now = new Date(),
  ): Promise<SharedDocument | undefined> {
    if (!isShareToken(token)) {
      return undefined;
    }
    const link = await this.repository.byTokenHash(hashShareToken(token));
    if (link === undefined || !opens(link, now)) {
      return undefined;
    }
    if (link.resource === ShareResource.SNAPSHOT) {
      const snapshot = await this.snapshotOf(link.tenantId, link.snapshotId ?? '');
      if (snapshot === undefined) {
        return undefined;
      }
      if (format === 'html') {
        return { kind: 'html', body: snapshot.html };
      }
      const body = await this.pdf.render(
        snapshot.html,
        `Causeway lift report · snapshot ${snapshot.snapshotId}`,
      );
      return { kind: 'pdf', body, fileName: `causeway-snapshot-${snapshot.snapshotId}.pdf` };
    }
    const from = link.from ?? new Date(0);
    const to = link.to ?? new Date(0);
    if (format === 'html') {
      return { kind: 'html', body: await this.reports.html(link.tenantId, from, to) };
    }
    return {
      kind: 'pdf',
      body: await this.reports.pdfDocument(link.tenantId, from, to),
      fileName: LiftReportService.pdfFileName(from, to),
    };
  }

  /** The link's snapshot, or undefined when it is gone (answered like any dead link). */
  private async snapshotOf(
    tenantId: string,
    snapshotId: string,
  ): Promise<StoredSnapshot | undefined> {
    try {
      return await this.snapshots.get(tenantId, snapshotId);
    } catch (error) {
      if (error instanceof ReportsException && error.code === ReportsErrorCode.SnapshotNotFound) {
        return undefined;
      }
      throw error;
    }
  }

  private async target(
    tenantId: string,
    input: CreateShareLinkInput,
  ): Promise<Pick<StoredShareLink, 'from' | 'to' | 'snapshotId'>> {
    switch (input.resource) {
      case ShareResource.LIFT_REPORT: {
        refuseOtherArguments(input, ['snapshotId']);
        if (
          input.from === undefined ||
          input.from === null ||
          input.to === undefined ||
          input.to === null
        ) {
          throw new NotifyException(
            NotifyErrorCode.InvalidRequest,
            'from, to: a LIFT_REPORT link needs both',
          );
        }
        // the measures' own period rules (order, length), checked now rather than when opened
        toPeriod(input.from, input.to);
        return { from: input.from, to: input.to, snapshotId: null };
      }
      case ShareResource.SNAPSHOT: {
        refuseOtherArguments(input, ['from', 'to']);
        if (
          input.snapshotId === undefined ||
          input.snapshotId === null ||
          input.snapshotId === ''
        ) {
          throw new NotifyException(
            NotifyErrorCode.InvalidRequest,
            'snapshotId: a SNAPSHOT link needs one',
          );
        }
        const snapshot = await this.snapshots.get(tenantId, input.snapshotId);
        return { from: null, to: null, snapshotId: snapshot.snapshotId };
      }
    }
  }
}

/** Whether a stored link still opens its document at `now`: neither revoked nor expired. */
function opens(link: StoredShareLink, now = new Date()): boolean {
  return link.revokedAt === null && link.expiresAt > now;
}
