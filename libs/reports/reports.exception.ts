import { CodedError } from '../errors/index.js';

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

/**
 * A failure of the reports context. The shared errors filter maps its code to a status and answers
 * it on both doors (HTTP and GraphQL) with the message meant for the caller.
 */
export class ReportsException extends CodedError<ReportsErrorCode> {}

/** Whether an error is a failure to print a PDF: no Chromium, or one that did not print. */
export function isPrintingFailure(error: unknown): error is ReportsException {
  return (
    error instanceof ReportsException &&
    (error.code === ReportsErrorCode.BrowserUnavailable ||
      error.code === ReportsErrorCode.BrowserFailed)
  );
}
