import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ResultCacheInterceptor } from './result-cache.interceptor.js';
import { ResultCache } from './result-cache.service.js';

/**
 * The answer cache of the API (RESULT_CACHE_MB): one {@link ResultCache} per process, and the
 * interceptor that serves the queries marked CachedByDataVersion from it.
 */
@Global()
@Module({
  providers: [ResultCache, { provide: APP_INTERCEPTOR, useClass: ResultCacheInterceptor }],
  exports: [ResultCache],
})
export class ResultCacheModule {}
