import { Module } from '@nestjs/common';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersResolver } from './triggers.resolver.js';
import { TriggersService } from './triggers.service.js';

@Module({
  providers: [TriggersRepository, TriggersService, TriggersResolver],
  exports: [TriggersRepository, TriggersService],
})
export class TriggersModule {}
