export enum IngestErrorCode {
  UnknownStream = 'INGEST_UNKNOWN_STREAM',
  QueueUnavailable = 'INGEST_QUEUE_UNAVAILABLE',
  InvalidRequest = 'INGEST_INVALID_REQUEST',
}

export class IngestException extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IngestException';
  }
}
