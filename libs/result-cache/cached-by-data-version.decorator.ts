import { SetMetadata } from '@nestjs/common';

export const CACHED_BY_DATA_VERSION = 'causeway:cached-by-data-version';

/** How a query's answers are kept (see {@link CachedByDataVersion}). */
export interface CachedByDataVersionOptions {
  /**
   * Arguments that stand for the current time when omitted: without them the answer depends on
   * the clock as well as on the data, and is computed every time.
   */
  defaultsToNow?: readonly string[];
}

/**
 * Marks a GraphQL query whose answer is a function of the tenant's rows and its arguments alone:
 * asked again with the same arguments while the tenant's data version is unchanged, it is answered
 * from memory (ResultCache, RESULT_CACHE_MB).
 */
export const CachedByDataVersion = (options: CachedByDataVersionOptions = {}) =>
  SetMetadata(CACHED_BY_DATA_VERSION, options);
