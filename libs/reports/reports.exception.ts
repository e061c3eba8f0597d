import { HttpException, HttpStatus } from '@nestjs/common';

export enum ReportsErrorCode {
  /** A query parameter is missing or malformed. */
  InvalidRequest = 'REPORTS_INVALID_REQUEST',
  /** No snapshot with that id for the caller's tenant. */
  SnapshotNotFound = 'REPORTS_SNAPSHOT_NOT_FOUND',
  /** No Chromium to print the PDF with. */
  BrowserUnavailable = 'REPORTS_BROWSER_UNAVAILABLE',
  /** Chromium is there but did not print the PDF. */
  BrowserFailed = 'REPORTS_BROWSER_FAILED',
}

function statusOf(code: ReportsErrorCode): number {
  switch (code) {
    case ReportsErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case ReportsErrorCode.SnapshotNotFound:
      return HttpStatus.NOT_FOUND;
    case ReportsErrorCode.BrowserUnavailable:
    case ReportsErrorCode.BrowserFailed:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

/**
 * A failure of the reports context. It is an HttpException carrying its status, so the shared
 * errors filter answers it on both doors (HTTP and GraphQL) with the message meant for the caller.
 */
export class ReportsException extends HttpException {
  constructor(
    readonly code: ReportsErrorCode,
    message: string,
  ) {
    super({ message, code }, statusOf(code));
    this.name = 'ReportsException';
  }
}
