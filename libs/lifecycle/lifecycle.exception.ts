import { CodedError } from '../errors/index.js';

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

/**
 * A failure of erasure, retention or backups. The shared errors filter maps its code to a status
 * and answers it on both doors (HTTP and GraphQL) with the message meant for the caller.
 */
export class LifecycleException extends CodedError<LifecycleErrorCode> {}
