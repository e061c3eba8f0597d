import { HttpException, HttpStatus } from '@nestjs/common';

export enum BiErrorCode {
  /** No such export dataset. */
  UnknownDataset = 'BI_UNKNOWN_DATASET',
  /** A query parameter is missing or malformed. */
  InvalidRequest = 'BI_INVALID_REQUEST',
}

function statusOf(code: BiErrorCode): number {
  switch (code) {
    case BiErrorCode.UnknownDataset:
      return HttpStatus.NOT_FOUND;
    case BiErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
  }
}

/** A failure of the BI context; an HttpException so the shared errors filter answers it as is. */
export class BiException extends HttpException {
  constructor(
    readonly code: BiErrorCode,
    message: string,
  ) {
    super({ message, code }, statusOf(code));
    this.name = 'BiException';
  }
}
