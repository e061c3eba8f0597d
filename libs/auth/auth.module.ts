import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/index.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyGuard } from './auth.guard.js';
import { AuthResolver } from './auth.resolver.js';

@Module({
  imports: [AuditModule],
  providers: [ApiKeysService, AuthResolver, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService],
})
export class AuthModule {}
