import { Module } from '@nestjs/common';
import { TriggersModule } from '../../triggers/index.js';
import { DeeperLiftResolver } from './deeper.resolver.js';
import { DeeperLiftService } from './deeper.service.js';
import { LiftResolver } from './lift.resolver.js';
import { LiftService } from './lift.service.js';

@Module({
  imports: [TriggersModule],
  providers: [LiftService, LiftResolver, DeeperLiftService, DeeperLiftResolver],
  exports: [LiftService, DeeperLiftService],
})
export class LiftModule {}
