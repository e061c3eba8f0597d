import { CodedError } from '../errors/index.js';

export enum IngestErrorCode {
  UnknownStream = 'INGEST_UNKNOWN_STREAM',
  QueueUnavailable = 'INGEST_QUEUE_UNAVAILABLE',
  InvalidRequest = 'INGEST_INVALID_REQUEST',
}

export class IngestException extends CodedError<IngestErrorCode> {}
