import { HttpException, HttpStatus } from '@nestjs/common';

export enum NotifyErrorCode {
  /** An argument is missing or malformed; the message names the field. */
  InvalidRequest = 'NOTIFY_INVALID_REQUEST',
  /** A webhook URL points at a private, loopback or link-local address. */
  ForbiddenTarget = 'NOTIFY_FORBIDDEN_TARGET',
  /** No webhook, share link or digest with that id for the caller's tenant. */
  NotFound = 'NOTIFY_NOT_FOUND',
  /** SMTP_URL is not set: e-mail cannot be sent. */
  MailUnavailable = 'NOTIFY_MAIL_UNAVAILABLE',
  /** The mail server refused or failed. */
  MailFailed = 'NOTIFY_MAIL_FAILED',
}

function statusOf(code: NotifyErrorCode): number {
  switch (code) {
    case NotifyErrorCode.InvalidRequest:
    case NotifyErrorCode.ForbiddenTarget:
      return HttpStatus.BAD_REQUEST;
    case NotifyErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case NotifyErrorCode.MailUnavailable:
    case NotifyErrorCode.MailFailed:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

/**
 * A failure of alerts, webhooks, share links or digests. An HttpException carrying its status, so
 * the shared errors filter answers it on both doors with the message meant for the caller.
 */
export class NotifyException extends HttpException {
  constructor(
    readonly code: NotifyErrorCode,
    message: string,
  ) {
    super({ message, code }, statusOf(code));
    this.name = 'NotifyException';
  }
}
