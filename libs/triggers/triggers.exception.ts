import { HttpException, HttpStatus } from '@nestjs/common';

export enum TriggersErrorCode {
  /** The definition breaks a field rule of the `triggers` stream. */
  InvalidDefinition = 'TRIGGERS_INVALID_DEFINITION',
  /** `live` was asked for a trigger that lacks some of the six definitions. */
  NotReady = 'TRIGGERS_NOT_READY',
}

/**
 * A definition the caller must fix. It is an HttpException (400) so that the platform's error
 * filter answers it as a bad request on both doors with its message; `code` says which rule.
 */
export class TriggersException extends HttpException {
  constructor(
    readonly code: TriggersErrorCode,
    message: string,
  ) {
    super({ message, error: code }, HttpStatus.BAD_REQUEST);
    this.name = 'TriggersException';
  }
}
