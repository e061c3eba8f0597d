import { CodedError } from '../errors/index.js';

/** Why a storage operation failed; mapped to HTTP/GraphQL errors by the API's exception filter. */
export enum StorageErrorCode {
  Unavailable = 'STORAGE_UNAVAILABLE',
  QueryFailed = 'STORAGE_QUERY_FAILED',
  MigrationFailed = 'STORAGE_MIGRATION_FAILED',
  InvalidRow = 'STORAGE_INVALID_ROW',
  /** The query ran past its deadline (or its caller left) and the engine was told to stop it. */
  Timeout = 'STORAGE_TIMEOUT',
}

export class StorageException extends CodedError<StorageErrorCode> {
  /** The tag of the query that failed, when one did: its name, never its text or parameters. */
  readonly tag?: string;

  constructor(
    code: StorageErrorCode,
    message: string,
    options: { cause?: unknown; tag?: string } = {},
  ) {
    super(code, message, options);
    this.tag = options.tag;
  }
}
