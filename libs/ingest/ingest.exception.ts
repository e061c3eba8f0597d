import { CodedError } from '../errors/index.js';

export enum IngestErrorCode {
  UnknownStream = 'INGEST_UNKNOWN_STREAM',
  QueueUnavailable = 'INGEST_QUEUE_UNAVAILABLE',
  InvalidRequest = 'INGEST_INVALID_REQUEST',
  /** A file's first requests were stored, then the store or the queue failed: resend it. */
  PartlyStored = 'INGEST_PARTLY_STORED',
}

export class IngestException extends CodedError<IngestErrorCode> {}
