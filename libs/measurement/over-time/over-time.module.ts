import { Module } from '@nestjs/common';
import { OverTimeResolver } from './over-time.resolver.js';
import { OverTimeService } from './over-time.service.js';

@Module({ providers: [OverTimeService, OverTimeResolver], exports: [OverTimeService] })
export class OverTimeModule {}
