import { CodedError } from '../errors/index.js';

export enum IngestErrorCode {
  UnknownStream = 'INGEST_UNKNOWN_STREAM',
  QueueUnavailable = 'INGEST_QUEUE_UNAVAILABLE',
  InvalidRequest = 'INGEST_INVALID_REQUEST',
  /** A body sent in a Content-Encoding the endpoint does not read. */
  UnsupportedEncoding = 'INGEST_UNSUPPORTED_ENCODING',
}

export class IngestException extends CodedError<IngestErrorCode> {}
