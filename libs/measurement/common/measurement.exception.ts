export enum MeasurementErrorCode {
  InvalidPeriod = 'MEASUREMENT_INVALID_PERIOD',
  InvalidArgument = 'MEASUREMENT_INVALID_ARGUMENT',
}

export class MeasurementException extends Error {
  constructor(
    readonly code: MeasurementErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MeasurementException';
  }
}
