import { CodedError } from '../errors/index.js';

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

/**
 * A failure of alerts, webhooks, share links or digests. The shared errors filter maps its code to
 * a status and answers it on both doors with the message meant for the caller.
 */
export class NotifyException extends CodedError<NotifyErrorCode> {}

/** The NOT_FOUND failure of a webhook or share link `id` that the caller's tenant does not have. */
export function notFound(what: string, id: string): NotifyException {
  return new NotifyException(NotifyErrorCode.NotFound, `no ${what} "${id}" for this tenant`);
}
