import { Module } from '@nestjs/common';
import { DeeperLiftResolver } from './deeper.resolver.js';
import { DeeperLiftService } from './deeper.service.js';
import { LiftResolver } from './lift.resolver.js';
import { LiftService } from './lift.service.js';

@Module({
  providers: [LiftService, LiftResolver, DeeperLiftService, DeeperLiftResolver],
  exports: [LiftService, DeeperLiftService],
})
export class LiftModule {}
