import { CodedError } from '../../errors/index.js';

export enum MeasurementErrorCode {
  InvalidPeriod = 'MEASUREMENT_INVALID_PERIOD',
  InvalidArgument = 'MEASUREMENT_INVALID_ARGUMENT',
}

export class MeasurementException extends CodedError<MeasurementErrorCode> {}
