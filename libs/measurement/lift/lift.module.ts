import { Module } from '@nestjs/common';
import { LiftResolver } from './lift.resolver.js';
import { LiftService } from './lift.service.js';

@Module({ providers: [LiftService, LiftResolver], exports: [LiftService] })
export class LiftModule {}
