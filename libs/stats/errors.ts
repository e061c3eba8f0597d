/** Codes of the errors raised by `libs/stats`; a caller maps them with an exhaustive `switch`. */
export enum StatsErrorCode {
  /** An argument is outside the function's documented domain (negative count, p outside [0, 1], …). */
  InvalidArgument = 'STATS_INVALID_ARGUMENT',
  /** An iterative algorithm did not converge (never expected for arguments in the documented domain). */
  NoConvergence = 'STATS_NO_CONVERGENCE',
}

/**
 * The one exception type thrown by `libs/stats`. Statistics that are merely undefined for the data
 * (a rate with n = 0, a relative lift with a zero baseline) are returned as `null`, never thrown:
 * this is reserved for arguments no caller should pass.
 */
export class StatsException extends Error {
  /**
   * @param code what went wrong, for mapping to an API error
   * @param message a sentence naming the argument and the value received
   */
  constructor(
    readonly code: StatsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StatsException';
  }
}
