import { HttpException, HttpStatus } from '@nestjs/common';

export enum TriggersErrorCode {
  /** The definition breaks a field rule of the `triggers` stream. */
  InvalidDefinition = 'TRIGGERS_INVALID_DEFINITION',
  /** `live` was asked for a trigger that lacks some of the six definitions. */
  NotReady = 'TRIGGERS_NOT_READY',
  /** No definition and no firing of the tenant carries the trigger id asked about. */
  UnknownTrigger = 'TRIGGERS_UNKNOWN_TRIGGER',
}

/**
 * A definition or trigger id the caller must fix. It is an HttpException (400) so that the platform's error
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
