import { CodedError } from '../errors/index.js';

/** Codes of the errors raised by `libs/stats`; a caller maps them with an exhaustive `switch`. */
export enum StatsErrorCode {
  /** An argument is outside the function's documented domain (negative count, p outside [0, 1], …). */
  InvalidArgument = 'STATS_INVALID_ARGUMENT',
  /** An iterative algorithm did not converge (never expected for arguments in the documented domain). */
  NoConvergence = 'STATS_NO_CONVERGENCE',
}

/**
 * The one exception type thrown by `libs/stats`, with a message naming the argument and the value
 * received. Statistics that are merely undefined for the data (a rate with n = 0, a relative lift
 * with a zero baseline) are returned as `null`, never thrown: this is reserved for arguments no
 * caller should pass.
 */
export class StatsException extends CodedError<StatsErrorCode> {}
