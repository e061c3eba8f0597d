import { CodedError } from '../errors/index.js';

export enum AuthErrorCode {
  MissingKey = 'AUTH_MISSING_KEY',
  InvalidKey = 'AUTH_INVALID_KEY',
  Forbidden = 'AUTH_FORBIDDEN',
  InvalidRequest = 'AUTH_INVALID_REQUEST',
}

export class AuthException extends CodedError<AuthErrorCode> {}
