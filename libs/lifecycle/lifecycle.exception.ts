import { HttpException, HttpStatus } from '@nestjs/common';

export enum LifecycleErrorCode {
  /** An argument is missing or malformed (a person id, a backup directory). */
  InvalidRequest = 'LIFECYCLE_INVALID_REQUEST',
  /** A backup directory exists already, or a store to restore into is not empty. */
  Conflict = 'LIFECYCLE_CONFLICT',
  /** The erasure could not close: rows kept arriving, or queued batches were not written. */
  Incomplete = 'LIFECYCLE_INCOMPLETE',
  /** The engine did not take the backup. */
  BackupFailed = 'LIFECYCLE_BACKUP_FAILED',
}

function statusOf(code: LifecycleErrorCode): number {
  switch (code) {
    case LifecycleErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case LifecycleErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case LifecycleErrorCode.Incomplete:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case LifecycleErrorCode.BackupFailed:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/**
 * A failure of erasure, retention or backups. An HttpException carrying its status, so the shared
 * errors filter answers it on both doors (HTTP and GraphQL) with the message meant for the caller.
 */
export class LifecycleException extends HttpException {
  constructor(
    readonly code: LifecycleErrorCode,
    message: string,
  ) {
    super({ message, code }, statusOf(code));
    this.name = 'LifecycleException';
  }
}
