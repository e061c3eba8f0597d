import { CodedError } from '../errors/index.js';

export enum BiErrorCode {
  /** No such export dataset. */
  UnknownDataset = 'BI_UNKNOWN_DATASET',
  /** A query parameter is missing or malformed. */
  InvalidRequest = 'BI_INVALID_REQUEST',
}

/** A failure of the BI context; the shared errors filter maps its code to a status. */
export class BiException extends CodedError<BiErrorCode> {}
