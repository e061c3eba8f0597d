export enum AuthErrorCode {
  MissingKey = 'AUTH_MISSING_KEY',
  InvalidKey = 'AUTH_INVALID_KEY',
  Forbidden = 'AUTH_FORBIDDEN',
  InvalidRequest = 'AUTH_INVALID_REQUEST',
}

export class AuthException extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthException';
  }
}
