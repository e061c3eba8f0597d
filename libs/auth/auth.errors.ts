import { CodedError } from '../errors/index.js';

export enum AuthErrorCode {
  MissingKey = 'AUTH_MISSING_KEY',
  InvalidKey = 'AUTH_INVALID_KEY',
  /** The key is right but past its expiry: said apart so its holder asks for a new one. */
  ExpiredKey = 'AUTH_EXPIRED_KEY',
  Forbidden = 'AUTH_FORBIDDEN',
  InvalidRequest = 'AUTH_INVALID_REQUEST',
}

export class AuthException extends CodedError<AuthErrorCode> {}
